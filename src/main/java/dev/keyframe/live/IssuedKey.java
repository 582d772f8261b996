package dev.keyframe.live;

/**
 * A stream key, shown once: only its hash is kept.
 *
 * @param httpIngestUrl where to POST MPEG-TS with this key
 * @param rtmpServer the RTMP server URL (OBS: Server) to push to with this key (OBS: Stream Key)
 */
public record IssuedKey(ChannelView channel, String key, String httpIngestUrl, String rtmpServer) {
}
