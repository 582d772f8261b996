/**
 * The upload page and the uploads REST API.
 */
@NullMarked
package dev.keyframe.upload.web;

import org.jspecify.annotations.NullMarked;
