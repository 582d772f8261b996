package dev.keyframe.catalog.internal;

import java.util.Optional;
import java.util.UUID;

/** Locking an asset's row, whether or not the transaction has read the asset already. */
public interface AssetLocking {

	/**
	 * Locks the asset's row ({@code select ... for update}) and returns it as it is now: writers of one asset's
	 * renditions, master playlist and status wait for each other here. An asset this transaction read earlier is
	 * read again under the lock, so a change another transaction committed meanwhile is seen rather than refused
	 * as a conflicting version.
	 */
	Optional<Asset> lockById(UUID id);

}
