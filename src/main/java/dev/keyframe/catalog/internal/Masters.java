package dev.keyframe.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AudioGroup;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.ObjectStorage;

/**
 * Writes an asset's manifests, every {@link Manifest} format (HLS's master playlist, DASH's MPD): the one place that
 * does, whoever changed what they list (a rendition published or dropped, a text track added, replaced or removed).
 * A format that cannot offer what is listed now has its manifest removed, so none outlives what it named. Callers
 * hold the asset's row lock, so writes of one asset follow each other in the order their changes were made.
 */
@Component
public class Masters {

	private final TextTracks texts;

	private final AudioTracks audios;

	private final ObjectStorage storage;

	private final List<Manifest> manifests;

	Masters(TextTracks texts, AudioTracks audios, ObjectStorage storage, List<Manifest> manifests) {
		this.texts = texts;
		this.audios = audios;
		this.storage = storage;
		this.manifests = manifests;
	}

	/**
	 * Stores the manifests of {@code listed} (what {@link MasterPlaylist#listed} chose), with the asset's audio
	 * tracks' languages and names, and its text tracks.
	 */
	public void write(AssetId id, List<RenditionSpec> listed) {
		String media = AssetKeys.mediaPrefix(id);
		List<MasterPlaylist.Text> tracks = texts.findByAssetIdOrderByLanguageAscKindAsc(id.value())
			.stream()
			.map(t -> new MasterPlaylist.Text(t.language(), t.name(), t.kind(), t.isDefault(),
					t.playlistKey().substring(media.length()), t.fileKey().substring(media.length())))
			.toList();
		List<MasterPlaylist.Audio> audio = audios.findByAssetIdOrderByStreamIndexAsc(id.value())
			.stream()
			.map(a -> new MasterPlaylist.Audio(AudioGroup.profile(a.streamIndex()), a.language(), a.name(), a.isDefault()))
			.toList();
		Manifest.Listing listing = new Manifest.Listing(listed, audio, tracks);
		for (Manifest manifest : manifests) {
			Optional<String> text = manifest.write(listing);
			if (text.isPresent()) {
				storage.put(manifest.key(id), text.get().getBytes(StandardCharsets.UTF_8), manifest.contentType(),
						ObjectStorage.SHORT_LIVED);
			}
			else if (manifest.mayBeStored(listing)) {
				storage.delete(manifest.key(id));
			}
		}
	}

}
