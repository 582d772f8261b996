package dev.keyframe.live;

import org.jspecify.annotations.Nullable;

/**
 * Where a broadcaster points an encoder for one ingest protocol, as it is pasted: for RTMP a server and a stream key
 * (OBS's two fields), for the others one URL that carries the key (and SRT's passphrase).
 *
 * @param protocol the protocol's name as sessions record it ({@code HTTP_TS}, {@code RTMP}, {@code SRT})
 * @param label for people ({@code RTMP (OBS)})
 * @param server the URL to paste (OBS: Server)
 * @param streamKey what goes in a separate stream key field (OBS: Stream Key), null when the URL carries it
 */
public record IngestUrl(String protocol, String label, String server, @Nullable String streamKey) {
}
