package dev.keyframe.identity;

/** A new API token: {@code secret} is shown once and never stored. */
public record IssuedToken(TokenView token, String secret) {
}
