/**
 * Resumable multipart uploads straight from the client to object storage: start, presign parts, list what is
 * stored (to resume), complete (the source is checked and probed), abort, and expiry of abandoned sessions.
 * The application never holds the bytes.
 */
@NullMarked
@ApplicationModule(displayName = "Upload")
package dev.keyframe.upload;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
