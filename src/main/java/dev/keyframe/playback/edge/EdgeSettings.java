package dev.keyframe.playback.edge;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The local edge: the CDN stand-in in front of the private bucket. Production has CloudFront instead and leaves
 * it disabled; the local run enables it.
 *
 * @param enabled whether this process runs the edge
 * @param port the port viewers reach it on
 * @param cacheSize how many bytes of objects it keeps in memory
 * @param maxObjectSize objects larger than this are streamed from the origin, not cached
 * @param defaultTtl the cache life of an object stored without Cache-Control (CloudFront's default TTL)
 * @param allowedOrigins pages allowed to read media with credentials (CORS); empty allows only the app's own pages:
 *        http or https on the edge's host name and the app's port, which is what the local run needs
 * @param liveStaleAfter a live playlist whose newest media is older than this is continued with the "back soon"
 *        slate (the manifest age alarm's threshold)
 * @param errorTtl after the origin fails for an object, how long the edge answers for it without asking again
 *        (CloudFront's error caching minimum TTL)
 */
@ConfigurationProperties("keyframe.edge")
public record EdgeSettings(@DefaultValue("false") boolean enabled, @DefaultValue("19080") int port,
		@DefaultValue("512MB") DataSize cacheSize, @DefaultValue("64MB") DataSize maxObjectSize,
		@DefaultValue("1d") Duration defaultTtl, @DefaultValue List<String> allowedOrigins,
		@DefaultValue("12s") Duration liveStaleAfter, @DefaultValue("1s") Duration errorTtl) {
}
