package dev.keyframe.playback.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.platform.Problem;
import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.Grant;
import dev.keyframe.playback.internal.CdnSigner;
import dev.keyframe.playback.internal.Entitlements;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Playback grants: the signed master playlist URL and signed cookies for one asset, for a viewer entitled to it.
 * The player page asks on load and again at {@code renewAt}, so playback outlasts any one grant.
 */
@RestController
@Tag(name = "Playback")
class PlaybackController {

	private final AssetManagement assets;

	private final Entitlements entitlements;

	private final CdnSigner signer;

	private final CdnSettings cdn;

	PlaybackController(AssetManagement assets, Entitlements entitlements, CdnSigner signer, CdnSettings cdn) {
		this.assets = assets;
		this.entitlements = entitlements;
		this.signer = signer;
		this.cdn = cdn;
	}

	@GetMapping("/api/playback/{id}")
	@Operation(summary = "Signed CDN URL and cookies to play an asset",
			description = "Open to anyone for a public asset. The cookies are set on the response and given in the "
					+ "body for players that set them themselves. Ask again after renewAt.")
	ResponseEntity<Grant> grant(@PathVariable UUID id, HttpServletRequest request) throws UnknownHostException {
		AssetId asset = new AssetId(id);
		AssetView found = assets.summary(asset).orElseThrow(() -> new AssetNotFound(asset));
		switch (entitlements.check(found)) {
			case SIGN_IN -> throw new Problem(HttpStatus.UNAUTHORIZED, "Sign in to watch this video.");
			case HIDDEN -> throw new AssetNotFound(asset);
			case WATCH -> {
			}
		}
		if (found.status() == dev.keyframe.catalog.AssetStatus.REMOVED) {
			throw new Problem(HttpStatus.GONE, "This video was removed under the retention policy.");
		}
		if (found.playbackUrl() == null) {
			throw new Problem(HttpStatus.CONFLICT, "This video is not ready to watch yet.");
		}
		Grant grant = signer.grant(asset, InetAddress.getByName(request.getRemoteAddr()), found.downloadKey(),
				found.dashKey());
		assets.played(asset);
		var response = ResponseEntity.ok().cacheControl(CacheControl.noStore());
		boolean secure = "https".equals(cdn.url().getScheme());
		grant.cookies().forEach((name, value) -> response.header(HttpHeaders.SET_COOKIE, ResponseCookie.from(name, value)
			.path(grant.cookiePath())
			.domain(cdn.cookieDomain() == null || cdn.cookieDomain().isBlank() ? null : cdn.cookieDomain())
			.maxAge(cdn.ttl())
			.httpOnly(true)
			.secure(secure)
			.sameSite("Lax")
			.build()
			.toString()));
		return response.body(grant);
	}

}
