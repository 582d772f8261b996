package dev.keyframe.identity;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminUsername the account created on first start, when there is no user yet
 * @param adminPassword its password; when unset, one is generated and printed once in the log
 * @param trustedNetworks addresses or networks ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}) whose sign-ins an
 *        account's lock does not stop, so that an admin locked out from outside still gets in; empty by default
 */
@ConfigurationProperties("keyframe.identity")
public record IdentitySettings(@DefaultValue("admin") String adminUsername, @Nullable String adminPassword,
		@DefaultValue List<String> trustedNetworks) {
}
