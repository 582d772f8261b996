package dev.keyframe.catalog.internal;

import java.util.List;
import java.util.Optional;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.RenditionSpec;

/**
 * One format players read an asset's renditions from: HLS's master playlist, DASH's MPD. {@link Masters} writes
 * every one each time what an asset lists changes, each stored short-lived under its own key beside the
 * renditions, which it names by relative URI; see docs/adr/0025.
 */
public interface Manifest {

	/** Its object's key. */
	String key(AssetId asset);

	/** Its object's content type. */
	String contentType();

	/** Its text for what the asset lists now, or empty where this format cannot offer it (then none is stored). */
	Optional<String> write(Listing listing);

	/**
	 * Whether, when it has none for {@code listing}, a manifest of this format written for an earlier listing may
	 * still be stored (then it is removed): by default, always.
	 */
	default boolean mayBeStored(Listing listing) {
		return true;
	}

	/**
	 * What an asset's manifests list.
	 * @param renditions what {@link MasterPlaylist#listed} chose
	 * @param audios how its audio renditions are called
	 * @param texts its text tracks
	 */
	record Listing(List<RenditionSpec> renditions, List<MasterPlaylist.Audio> audios, List<MasterPlaylist.Text> texts) {
	}

}
