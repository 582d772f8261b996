package dev.keyframe.live;

/** Where this instance takes feeds, as bound (the configured ports, or the free ones found for 0). */
public interface IngestEndpoints {

	/** The port {@code protocol} ({@code HTTP_TS}, {@code RTMP}, {@code SRT}) listens on, -1 when it is off here. */
	int port(String protocol);

	/** The HTTP ingest port, -1 when not listening. */
	default int httpPort() {
		return port("HTTP_TS");
	}

	/** The RTMP port, -1 when RTMP ingest is off (no nginx with the rtmp module here). */
	default int rtmpPort() {
		return port("RTMP");
	}

	/** The SRT port, -1 when SRT ingest is off (no libsrt here). */
	default int srtPort() {
		return port("SRT");
	}

}
