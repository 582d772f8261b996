/**
 * The platform's wiring: AWS clients, the local stand-ins, health, roles, error answers and the outbox's resubmission.
 */
@NullMarked
package dev.keyframe.platform.internal;

import org.jspecify.annotations.NullMarked;
