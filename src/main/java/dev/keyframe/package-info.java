/**
 * Keyframe: the application's entry point. Each subpackage is one application module (see the modules' own
 * package documentation).
 */
@NullMarked
package dev.keyframe;

import org.jspecify.annotations.NullMarked;
