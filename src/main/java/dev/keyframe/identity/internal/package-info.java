/**
 * Users, API tokens, sign-in, its throttle, the first admin and the security filter chain.
 */
@NullMarked
package dev.keyframe.identity.internal;

import org.jspecify.annotations.NullMarked;
