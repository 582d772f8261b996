/**
 * The playback grant endpoint and the watch page.
 */
@NullMarked
package dev.keyframe.playback.web;

import org.jspecify.annotations.NullMarked;
