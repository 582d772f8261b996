package dev.keyframe.live;

import java.util.List;

/**
 * A stream key and SRT passphrase, shown once: only the key's hash is kept, and the passphrase is never shown again.
 *
 * @param srtPassphrase the SRT passphrase issued with the key (SRT callers need both)
 * @param ingest where to push with this key, one entry per ingest protocol this platform takes
 */
public record IssuedKey(ChannelView channel, String key, String srtPassphrase, List<IngestUrl> ingest) {

	/** The entry for {@code protocol}. */
	public IngestUrl ingest(String protocol) {
		return ingest.stream()
			.filter(url -> url.protocol().equals(protocol))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No ingest over " + protocol + " here"));
	}

}
