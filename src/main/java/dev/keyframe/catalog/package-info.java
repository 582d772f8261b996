/**
 * Assets and their renditions: what was uploaded, what it contains, what can be played, and the asset's state
 * (uploading, processing, playable, ready, failed). Writes each asset's master playlist from its published
 * renditions.
 */
@NullMarked
@ApplicationModule(displayName = "Catalog")
package dev.keyframe.catalog;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
