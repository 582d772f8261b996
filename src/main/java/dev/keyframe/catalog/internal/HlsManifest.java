package dev.keyframe.catalog.internal;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.platform.MediaTypes;

/** The HLS master playlist ({@link MasterPlaylist}): what every asset has, whatever its segments' packaging. */
@Component
class HlsManifest implements Manifest {

	@Override
	public String key(AssetId asset) {
		return AssetKeys.master(asset);
	}

	@Override
	public String contentType() {
		return MediaTypes.HLS_PLAYLIST;
	}

	@Override
	public Optional<String> write(Listing listing) {
		return Optional.of(MasterPlaylist.write(listing.renditions(), listing.audios(), listing.texts()));
	}

}
