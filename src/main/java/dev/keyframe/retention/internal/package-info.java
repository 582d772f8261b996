/**
 * Retention rules, the lifecycle run's planner and actions, and its history.
 */
@NullMarked
package dev.keyframe.retention.internal;

import org.jspecify.annotations.NullMarked;
