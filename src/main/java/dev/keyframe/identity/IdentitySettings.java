package dev.keyframe.identity;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminUsername the account created on first start, when there is no user yet
 * @param adminPassword its password; when unset, one is generated and printed once in the log
 */
@ConfigurationProperties("keyframe.identity")
public record IdentitySettings(@DefaultValue("admin") String adminUsername, @Nullable String adminPassword) {
}
