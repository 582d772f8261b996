/**
 * Retention pages and the retention REST API.
 */
@NullMarked
package dev.keyframe.retention.web;

import org.jspecify.annotations.NullMarked;
