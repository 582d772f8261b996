package dev.keyframe.catalog;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.keyframe.catalog.internal.Asset;
import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.AudioTrack;
import dev.keyframe.catalog.internal.AudioTracks;
import dev.keyframe.catalog.internal.Languages;
import dev.keyframe.catalog.internal.MasterPlaylist;
import dev.keyframe.catalog.internal.Masters;
import dev.keyframe.catalog.internal.Rendition;
import dev.keyframe.catalog.internal.Renditions;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.NotFound;

/**
 * The audio tracks of a video asset: each audio stream of its source becomes an audio rendition of the asset's
 * {@link AudioGroup}, listed in the master playlist with a language and a name players show in their audio menu. They
 * start as the source's tags said ({@code language=ger}, {@code title=Director's commentary}); editors change them,
 * and which one is the default, and only the master playlist is rewritten.
 */
@Service
@Transactional
public class AlternateAudio {

	private final Assets assets;

	private final AudioTracks audios;

	private final Renditions renditions;

	private final Masters masters;

	private final Clock clock;

	AlternateAudio(Assets assets, AudioTracks audios, Renditions renditions, Masters masters, Optional<Clock> clock) {
		this.assets = assets;
		this.audios = audios;
		this.renditions = renditions;
		this.masters = masters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * Records the audio streams of a video source as the asset's tracks, named as the source's tags say: the default
	 * is the stream the file marks as such, else its first.
	 */
	void recordSource(Asset asset, MediaInfo media) {
		if (!media.hasVideo() || media.audioTracks().isEmpty() || !audios.findByAssetIdOrderByStreamIndexAsc(asset.id()).isEmpty()) {
			return;
		}
		int chosen = media.audioTracks()
			.stream()
			.filter(MediaInfo.AudioTrack::isDefault)
			.mapToInt(MediaInfo.AudioTrack::index)
			.findFirst()
			.orElse(media.audioTracks().getFirst().index());
		boolean one = media.audioTracks().size() == 1;
		for (MediaInfo.AudioTrack track : media.audioTracks()) {
			String language = Languages.fromStream(track.language());
			String name = Languages.cleanName(track.title() == null ? null
					: track.title().length() > 100 ? track.title().substring(0, 100) : track.title());
			if (name.isEmpty()) {
				String own = Languages.ownName(language);
				name = own != null ? own : one ? "Main" : "Track " + (track.index() + 1);
			}
			audios.save(new AudioTrack(asset.id(), track.index(), language, name, track.index() == chosen,
					track.codec(), track.channels(), clock.instant()));
		}
	}

	/** The asset's audio tracks, in the source's order. */
	@Transactional(readOnly = true)
	public List<AudioTrackView> list(AssetId id) {
		return views(id.value());
	}

	List<AudioTrackView> views(java.util.UUID asset) {
		Set<String> published = renditions.findByAssetId(asset)
			.stream()
			.map(Rendition::profile)
			.collect(Collectors.toSet());
		return audios.findByAssetIdOrderByStreamIndexAsc(asset)
			.stream()
			.map(a -> a.view(AudioGroup.profile(a.streamIndex()), published.contains(AudioGroup.profile(a.streamIndex()))))
			.toList();
	}

	/**
	 * Changes a track's language, its name, or makes it the default (the asset's others stop being it); a field left
	 * out (null) keeps its value. The master playlist is rewritten; nothing is encoded again.
	 * @param editor who asks: someone else's unfinished upload is not there for them; null for an admin
	 * @throws dev.keyframe.platform.Invalid for a bad language tag or a name too long
	 */
	public AudioTrackView describe(AssetId id, int stream, @Nullable String language, @Nullable String name,
			@Nullable Boolean isDefault, @Nullable String editor) {
		Asset asset = assets.lockById(id.value())
			.filter(found -> !found.unfinishedUploadOfAnotherThan(editor))
			.orElseThrow(() -> new AssetNotFound(id));
		AudioTrack track = audios.findByAssetIdAndStreamIndex(id.value(), stream)
			.orElseThrow(() -> new NotFound("No audio track " + stream + " on this asset."));
		String cleanLanguage = language != null ? Languages.typed(language) : track.language();
		String cleanName = Languages.cleanName(name != null ? name : track.name());
		if (cleanName.isEmpty()) {
			String own = Languages.ownName(cleanLanguage);
			cleanName = own != null ? own : "Track " + (stream + 1);
		}
		boolean chosen = Boolean.TRUE.equals(isDefault) || track.isDefault() && !Boolean.FALSE.equals(isDefault);
		if (chosen) {
			audios.findByAssetIdOrderByStreamIndexAsc(id.value())
				.stream()
				.filter(other -> other.streamIndex() != stream)
				.forEach(other -> other.notDefault(clock.instant()));
		}
		track.describe(cleanLanguage, cleanName, chosen, clock.instant());
		audios.flush();
		List<RenditionSpec> listed = MasterPlaylist.listed(
				renditions.findByAssetId(asset.id()).stream().map(Rendition::spec).toList(),
				AssetManagement.videoSource(asset));
		if (!listed.isEmpty()) {
			masters.write(id, listed);
		}
		return views(id.value()).stream().filter(v -> v.stream() == stream).findFirst().orElseThrow();
	}

	/** The asset's tracks go with it (deleted, or removed by retention). */
	void forget(AssetId id) {
		audios.deleteAll(audios.findByAssetIdOrderByStreamIndexAsc(id.value()));
	}

}
