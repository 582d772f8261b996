package dev.keyframe.playback.edge;

import java.time.Duration;
import java.time.Instant;

import org.springframework.context.ApplicationContext;

import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.internal.KeyRing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;
import software.amazon.awssdk.services.cloudfront.model.CustomSignerRequest;

/**
 * A second local edge, with the app's keys and settings, on a free port, in front of an origin of the test's
 * choosing: a CDN whose origin a test can take away without taking storage from the rest of the app.
 */
public final class TestEdge implements AutoCloseable {

	private final LocalEdge edge;

	private final KeyRing keys;

	private final SimpleMeterRegistry meters;

	private TestEdge(LocalEdge edge, KeyRing keys, SimpleMeterRegistry meters) {
		this.edge = edge;
		this.keys = keys;
		this.meters = meters;
	}

	/** Starts an edge over {@code origin}, configured as the app's own edge except for its port. */
	public static TestEdge over(ObjectStorage origin, ApplicationContext app) {
		EdgeSettings own = app.getBean(EdgeSettings.class);
		EdgeSettings settings = new EdgeSettings(true, 0, own.cacheSize(), own.maxObjectSize(), own.defaultTtl(),
				own.allowedOrigins(), own.liveStaleAfter(), own.errorTtl());
		KeyRing keys = app.getBean(KeyRing.class);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		LocalEdge edge = new LocalEdge(settings, app.getBean(CdnSettings.class), keys, origin, meters,
				app.getBean(MediaTools.class));
		edge.start();
		return new TestEdge(edge, keys, meters);
	}

	public int port() {
		return edge.port();
	}

	/** The GETs this edge sent its origin that failed. */
	public double failedOriginFetches() {
		var failed = meters.find("keyframe.edge.origin.fetches").tag("outcome", "error").counter();
		return failed == null ? 0 : failed.count();
	}

	/** The URL of a media object at this edge. */
	public String url(String key) {
		return "http://localhost:" + port() + "/" + key;
	}

	/**
	 * The Cookie header of a grant over {@code mediaPrefix} ({@code media/<asset>/}) at this edge's address: signed
	 * with the app's key, as the app signs its own edge's grants.
	 */
	public String cookies(String mediaPrefix) {
		CookiesForCustomPolicy cookies = CloudFrontUtilities.create()
			.getCookiesForCustomPolicy(CustomSignerRequest.builder()
				.resourceUrl(url(mediaPrefix) + "*")
				.privateKey(keys.signingKey())
				.keyPairId(keys.signingKeyId())
				.expirationDate(Instant.now().plus(Duration.ofMinutes(10)))
				.build());
		return String.join("; ", cookies.policyHeaderValue(), cookies.signatureHeaderValue(),
				cookies.keyPairIdHeaderValue());
	}

	@Override
	public void close() {
		edge.stop();
	}

}
