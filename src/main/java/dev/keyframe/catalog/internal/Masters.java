package dev.keyframe.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AudioGroup;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;

/**
 * Writes an asset's master playlist: the one place that does, whoever changed what it lists (a rendition published
 * or dropped, a text track added, replaced or removed). Callers hold the asset's row lock, so writes of one asset
 * follow each other in the order their changes were made.
 */
@Component
public class Masters {

	private final TextTracks texts;

	private final AudioTracks audios;

	private final ObjectStorage storage;

	Masters(TextTracks texts, AudioTracks audios, ObjectStorage storage) {
		this.texts = texts;
		this.audios = audios;
		this.storage = storage;
	}

	/**
	 * Stores the master of {@code listed} (what {@link MasterPlaylist#listed} chose), with the asset's audio tracks'
	 * languages and names, and its text tracks.
	 */
	public void write(AssetId id, List<RenditionSpec> listed) {
		String media = AssetKeys.mediaPrefix(id);
		List<MasterPlaylist.Text> tracks = texts.findByAssetIdOrderByLanguageAscKindAsc(id.value())
			.stream()
			.map(t -> new MasterPlaylist.Text(t.language(), t.name(), t.kind(), t.isDefault(),
					t.playlistKey().substring(media.length())))
			.toList();
		List<MasterPlaylist.Audio> audio = audios.findByAssetIdOrderByStreamIndexAsc(id.value())
			.stream()
			.map(a -> new MasterPlaylist.Audio(AudioGroup.profile(a.streamIndex()), a.language(), a.name(), a.isDefault()))
			.toList();
		storage.put(AssetKeys.master(id), MasterPlaylist.write(listed, audio, tracks).getBytes(StandardCharsets.UTF_8),
				MediaTypes.HLS_PLAYLIST, ObjectStorage.SHORT_LIVED);
	}

}
