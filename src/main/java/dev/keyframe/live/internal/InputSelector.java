package dev.keyframe.live.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Which of a channel's two feeds is on air. It follows the primary, goes to the backup when the primary loses its
 * signal (no data for a while), or shows a black picture or silence past a threshold, and returns to the primary
 * once that has been clean (connected, sending, neither black nor silent) for the hold time: hysteresis, so a
 * flapping primary does not flip the output back and forth. It never switches to a feed that is unfit itself.
 * Times are monotonic milliseconds from the caller; thread-safe.
 */
final class InputSelector {

	/**
	 * @param lossOfSignal a feed that sent nothing this long has lost its signal
	 * @param black a picture black this long is a fault
	 * @param silence sound silent this long is a fault (a feed without audio is never silent)
	 * @param hold how long the primary must be clean before the output returns to it
	 */
	record Thresholds(Duration lossOfSignal, Duration black, Duration silence, Duration hold) {
	}

	/** Go on air with {@code to}, because {@code why}. */
	record Switch(FeedRole to, String why) {
	}

	private static final class Input {

		boolean connected;

		long lastData = -1;

		long blackSince = -1;

		long silentSince = -1;

		long cleanSince = -1;

	}

	private final Thresholds thresholds;

	private final Map<FeedRole, Input> inputs = new EnumMap<>(FeedRole.class);

	InputSelector(Thresholds thresholds) {
		this.thresholds = thresholds;
		for (FeedRole role : FeedRole.values()) {
			inputs.put(role, new Input());
		}
	}

	synchronized void connected(FeedRole role, long now) {
		Input input = inputs.get(role);
		input.connected = true;
		input.lastData = now;
		input.blackSince = -1;
		input.silentSince = -1;
		input.cleanSince = -1;
	}

	synchronized void disconnected(FeedRole role) {
		Input input = inputs.get(role);
		input.connected = false;
		input.cleanSince = -1;
	}

	synchronized boolean connected(FeedRole role) {
		return inputs.get(role).connected;
	}

	synchronized void data(FeedRole role, long now) {
		inputs.get(role).lastData = now;
	}

	/** The feed's picture is black (since {@code since}) or not. */
	synchronized void picture(FeedRole role, boolean black, long since) {
		Input input = inputs.get(role);
		input.blackSince = onset(input.blackSince, black, since);
	}

	/** The feed's sound is silent (since {@code since}) or not. */
	synchronized void sound(FeedRole role, boolean silent, long since) {
		Input input = inputs.get(role);
		input.silentSince = onset(input.silentSince, silent, since);
	}

	/** When a condition began: kept while it holds, {@code since} when it starts, -1 when it is over. */
	private static long onset(long began, boolean holds, long since) {
		return !holds ? -1 : began >= 0 ? began : since;
	}

	/** Why {@code role} is unfit to be on air now, or null when it is fit. */
	synchronized @Nullable String fault(FeedRole role, long now) {
		Input input = inputs.get(role);
		if (!input.connected) {
			return "is not connected";
		}
		if (now - input.lastData >= thresholds.lossOfSignal().toMillis()) {
			return "sent no data for " + seconds(now - input.lastData) + " s";
		}
		if (input.blackSince >= 0 && now - input.blackSince >= thresholds.black().toMillis()) {
			return "showed a black picture for " + seconds(now - input.blackSince) + " s";
		}
		if (input.silentSince >= 0 && now - input.silentSince >= thresholds.silence().toMillis()) {
			return "was silent for " + seconds(now - input.silentSince) + " s";
		}
		return null;
	}

	/** What to switch to now, with {@code onAir} on air; empty to stay. */
	synchronized Optional<Switch> decide(FeedRole onAir, long now) {
		for (FeedRole role : FeedRole.values()) {
			Input input = inputs.get(role);
			boolean clean = input.connected && now - input.lastData < thresholds.lossOfSignal().toMillis()
					&& input.blackSince < 0 && input.silentSince < 0;
			if (!clean) {
				input.cleanSince = -1;
			}
			else if (input.cleanSince < 0) {
				input.cleanSince = now;
			}
		}
		FeedRole other = onAir.other();
		String fault = fault(onAir, now);
		if (fault != null && fault(other, now) == null) {
			return Optional.of(new Switch(other, "the " + onAir.label() + " feed " + fault));
		}
		Input primary = inputs.get(FeedRole.PRIMARY);
		if (onAir == FeedRole.BACKUP && fault(FeedRole.PRIMARY, now) == null && primary.cleanSince >= 0
				&& now - primary.cleanSince >= thresholds.hold().toMillis()) {
			return Optional.of(new Switch(FeedRole.PRIMARY,
					"the primary feed has been healthy for " + seconds(now - primary.cleanSince) + " s"));
		}
		return Optional.empty();
	}

	private static String seconds(long millis) {
		return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
	}

}
