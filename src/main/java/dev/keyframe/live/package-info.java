/**
 * Live: channels and their stream keys, ingest of a broadcaster's feed (MPEG-TS over HTTP, RTMP through an
 * nginx-rtmp front), one transcoder per stream spawned when its feed arrives and ended when it stops, ABR HLS
 * published through the catalog and the signed CDN path, RTMP outputs, the playlist's heartbeat, reconnects,
 * restarts, and the recording that becomes a VOD asset.
 */
@NullMarked
@ApplicationModule(displayName = "Live")
package dev.keyframe.live;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
