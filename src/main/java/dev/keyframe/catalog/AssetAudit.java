package dev.keyframe.catalog;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The record of what lifecycle runs did to an asset, implemented by the module that runs them (so the catalog
 * can show it on the asset page without depending on that module).
 */
public interface AssetAudit {

	/** Newest first. */
	List<Line> trail(AssetId asset);

	/**
	 * @param outcome DONE, SKIPPED or FAILED
	 */
	record Line(Instant at, String rule, String action, String detail, int objects, long bytes, String outcome,
			@Nullable String error) {
	}

}
