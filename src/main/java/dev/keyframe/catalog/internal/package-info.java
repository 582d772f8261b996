/**
 * The catalog's persistence and playlist writing: assets, renditions and their repositories, and the master playlist.
 */
@NullMarked
package dev.keyframe.catalog.internal;

import org.jspecify.annotations.NullMarked;
