package dev.keyframe.live.internal;

/**
 * When the frames of an MPEG-TS feed were captured, as far as the live instance can tell: it reads the video
 * timestamps (PTS) in the bytes as they arrive and keeps the smallest {@code arrival - PTS} seen, the feed's clock
 * with the least delay any of its frames had on the way. A frame's capture time is then its PTS on that clock, so a
 * feed that started slowly (an encoder connecting, a first frame that took long) or arrived in a burst (a backlog
 * relayed to a replacement transcoder) is dated by its timestamps, not by when its bytes happened to come.
 * <p>
 * One clock per encoder run: fed every byte the run reads, in order, with each chunk's arrival. Not thread-safe.
 */
final class CaptureClock {

	private static final int PACKET = 188;

	private static final long WRAP = 1L << 33;

	private final byte[] carry = new byte[PACKET];

	private int carried;

	private long lastPts = -1;

	private long unwrap;

	private long firstKeyframe = Long.MIN_VALUE;

	private long firstVideo = Long.MIN_VALUE;

	private long offsetMs = Long.MAX_VALUE;

	/** The feed's next bytes, arrived at {@code arrivedAt} (epoch ms). */
	void feed(byte[] data, int length, long arrivedAt) {
		int at = 0;
		if (carried > 0) {
			int take = Math.min(PACKET - carried, length);
			System.arraycopy(data, 0, carry, carried, take);
			carried += take;
			at = take;
			if (carried < PACKET) {
				return;
			}
			packet(carry, 0, arrivedAt);
			carried = 0;
		}
		while (at < length) {
			if (data[at] != 0x47) {
				at++; // not aligned (or garbage): find the next sync byte
				continue;
			}
			if (length - at < PACKET) {
				carried = length - at;
				System.arraycopy(data, at, carry, 0, carried);
				return;
			}
			packet(data, at, arrivedAt);
			at += PACKET;
		}
	}

	/**
	 * When the run's first picture was captured, epoch ms: its first keyframe's PTS on the feed's clock (its first
	 * video PTS where the feed marks no keyframes); 0 while no video timestamp has been seen.
	 */
	long firstFrameCapturedAt() {
		long first = firstKeyframe != Long.MIN_VALUE ? firstKeyframe : firstVideo;
		if (first == Long.MIN_VALUE || offsetMs == Long.MAX_VALUE) {
			return 0;
		}
		return first / 90 + offsetMs;
	}

	private void packet(byte[] p, int at, long arrivedAt) {
		boolean start = (p[at + 1] & 0x40) != 0;
		int control = (p[at + 3] >> 4) & 0x3;
		int payload = at + 4;
		boolean randomAccess = false;
		if (control == 2 || control == 3) {
			int adaptation = p[at + 4] & 0xff;
			if (adaptation > 0) {
				randomAccess = (p[at + 5] & 0x40) != 0;
			}
			payload += 1 + adaptation;
		}
		if (!start || control == 2 || payload + 14 > at + PACKET) {
			return;
		}
		// a PES header: 00 00 01, a video stream id, and a PTS
		if (p[payload] != 0 || p[payload + 1] != 0 || p[payload + 2] != 1) {
			return;
		}
		int stream = p[payload + 3] & 0xff;
		if (stream < 0xE0 || stream > 0xEF || (p[payload + 7] & 0x80) == 0) {
			return;
		}
		int b = payload + 9;
		long pts = ((long) (p[b] & 0x0E) << 29) | ((long) (p[b + 1] & 0xff) << 22) | ((long) (p[b + 2] & 0xFE) << 14)
				| ((long) (p[b + 3] & 0xff) << 7) | ((p[b + 4] & 0xff) >> 1);
		if (lastPts >= 0 && pts + WRAP / 2 < lastPts) {
			unwrap += WRAP; // the 33-bit counter wrapped (every 26.5 hours)
		}
		lastPts = pts;
		long unwrapped = pts + unwrap;
		if (firstVideo == Long.MIN_VALUE) {
			firstVideo = unwrapped;
		}
		if (randomAccess && firstKeyframe == Long.MIN_VALUE) {
			firstKeyframe = unwrapped;
		}
		offsetMs = Math.min(offsetMs, arrivedAt - unwrapped / 90);
	}

}
