package dev.keyframe.catalog;

import java.util.List;
import java.util.Optional;

/** Decides, at publication, whether a rendition fits next to the asset's already published ones. */
@FunctionalInterface
public interface RenditionCheck {

	/** @return what is wrong, for a person, or empty */
	Optional<String> problemWith(RenditionSpec candidate, List<RenditionSpec> published);

}
