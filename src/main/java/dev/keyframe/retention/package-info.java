/**
 * Retention: the rules admins set for how long sources, renditions and unfinished uploads are kept, legal holds,
 * and the lifecycle run that applies the rules (scheduled and on demand, one instance at a time, in batches,
 * idempotent), with its dry run, its history and an audit trail per asset.
 */
@NullMarked
@ApplicationModule(displayName = "Retention")
package dev.keyframe.retention;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
