/**
 * Live ingest: the protocols ({@link dev.keyframe.live.ingest.IngestProtocol}) that hand a broadcaster's feed to a
 * session: MPEG-TS over HTTP, the RTMP front (nginx-rtmp) and the SRT listener (libsrt through the FFM API).
 */
@NullMarked
package dev.keyframe.live.ingest;

import org.jspecify.annotations.NullMarked;
