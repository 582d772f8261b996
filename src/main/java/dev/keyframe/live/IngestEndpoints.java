package dev.keyframe.live;

/** Where this instance takes feeds, as bound (the configured ports, or the free ones found for 0). */
public interface IngestEndpoints {

	/** The HTTP ingest port, -1 when not listening. */
	int httpPort();

	/** The RTMP port, -1 when RTMP ingest is off (no nginx with the rtmp module here). */
	int rtmpPort();

}
