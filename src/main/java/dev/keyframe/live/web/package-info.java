/**
 * Live pages and the live channels REST API.
 */
@NullMarked
package dev.keyframe.live.web;

import org.jspecify.annotations.NullMarked;
