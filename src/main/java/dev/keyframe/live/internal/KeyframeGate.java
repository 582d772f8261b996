package dev.keyframe.live.internal;

import java.io.ByteArrayOutputStream;

/**
 * Holds back a new encoder's MPEG-TS input until the first video keyframe: audio and video packets before it are
 * dropped, and so are audio packets after it that are to be played before it; tables (PAT, PMT) pass. Needed where
 * a copied rung is cut into parts by time: ffmpeg's HLS muxer counts a variant's half seconds from its earliest
 * packet, and with audio from before the copied video's first keyframe (a feed's muxer interleaves audio a little
 * behind video; an encoder that starts mid-GOP) its parts would start between keyframes. Frames before the first
 * keyframe cannot be decoded anyway, and the recording and RTMP outputs get every byte.
 *
 * <p>A keyframe is a video PES start with the random access indicator or an IDR slice in its first packet. Input
 * that loses sync passes unchanged from there on. Not thread-safe: the feed's thread uses it.
 */
final class KeyframeGate {

	private final byte[] pending = new byte[188];

	private int pendingLength;

	private int pmtPid = -1;

	private int videoPid = -1;

	private boolean open;

	/** Past the keyframe and the other streams' packets from before it: everything passes unread. */
	private boolean settled;

	private int dropped;

	private int checked;

	private long keyframePts = -1;

	private final java.util.Set<Integer> dropping = new java.util.HashSet<>();

	private final java.util.Set<Integer> finished = new java.util.HashSet<>();

	private static final long WRAP = (1L << 33) - 1;

	/** About 4 MB: a feed that shows no keyframe in that much is passed as it is. */
	private static final int GIVE_UP_PACKETS = 20_000;

	/** Whether everything passes from now on: the first keyframe and what came from before it are through. */
	boolean settled() {
		return settled;
	}

	/** What of these bytes the encoder gets. */
	byte[] filter(byte[] data, int length) {
		if (settled && pendingLength == 0) {
			return java.util.Arrays.copyOf(data, length);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(length + pendingLength);
		int at = 0;
		if (pendingLength > 0) {
			int take = Math.min(188 - pendingLength, length);
			System.arraycopy(data, 0, pending, pendingLength, take);
			pendingLength += take;
			at = take;
			if (pendingLength < 188) {
				return new byte[0];
			}
			packet(pending, 0, out);
			pendingLength = 0;
		}
		while (at < length) {
			if (settled) {
				out.write(data, at, length - at);
				break;
			}
			if (length - at < 188) {
				System.arraycopy(data, at, pending, 0, length - at);
				pendingLength = length - at;
				break;
			}
			packet(data, at, out);
			at += 188;
		}
		return out.toByteArray();
	}

	private void packet(byte[] ts, int at, ByteArrayOutputStream out) {
		if (ts[at] != 0x47) {
			open = true; // not packets we can read: leave the input alone
			settled = true;
			out.write(ts, at, 188);
			return;
		}
		int pid = ((ts[at + 1] & 0x1f) << 8) | (ts[at + 2] & 0xff);
		boolean unitStart = (ts[at + 1] & 0x40) != 0;
		int control = (ts[at + 3] >> 4) & 3;
		int payload = at + 4;
		boolean randomAccess = false;
		if ((control & 2) != 0) {
			int adaptation = ts[at + 4] & 0xff;
			randomAccess = adaptation > 0 && (ts[at + 5] & 0x40) != 0;
			payload = at + 5 + adaptation;
		}
		int end = at + 188;
		boolean hasPayload = (control & 1) != 0 && payload < end;
		if (pid == 0) {
			if (unitStart && hasPayload) {
				pmtPid = pmtPid(ts, payload + 1 + (ts[payload] & 0xff), end);
			}
			out.write(ts, at, 188);
			return;
		}
		if (pid == pmtPid) {
			if (unitStart && hasPayload && videoPid < 0) {
				videoPid = videoPid(ts, payload + 1 + (ts[payload] & 0xff), end);
				if (videoPid < 0) {
					open = true; // no H.264 video: nothing to wait for
					settled = true;
				}
			}
			out.write(ts, at, 188);
			return;
		}
		if (pid < 0x20 || pid == 0x1fff) {
			out.write(ts, at, 188); // other tables and null packets
			return;
		}
		if (!open) {
			if (pid == videoPid && unitStart && hasPayload && (randomAccess || idr(ts, payload, end))) {
				open = true;
				keyframePts = pts(ts, payload, end);
				settled = keyframePts < 0;
				out.write(ts, at, 188);
			}
			else if (++dropped > GIVE_UP_PACKETS) {
				open = true; // no keyframe in all that: pass the feed as it is
				settled = true;
				out.write(ts, at, 188);
			}
			return;
		}
		if (pid == videoPid || keyframePts < 0 || finished.contains(pid)) {
			out.write(ts, at, 188);
			return;
		}
		// another stream (audio) after the keyframe: its packets from before the keyframe's time are dropped too,
		// PES by PES, until one starts at or after it
		if (unitStart && hasPayload) {
			long pts = pts(ts, payload, end);
			boolean early = pts >= 0 && ((keyframePts - pts) & WRAP) < WRAP / 2 && pts != keyframePts;
			if (early) {
				dropping.add(pid);
			}
			else {
				dropping.remove(pid);
				finished.add(pid);
				settled = ++checked > 8; // a few PES in, every stream has had its say
			}
		}
		if (!dropping.contains(pid)) {
			out.write(ts, at, 188);
		}
	}

	/** A PES packet's presentation time, 90 kHz; -1 if it has none. */
	private static long pts(byte[] ts, int payload, int end) {
		if (payload + 14 > end || ts[payload] != 0 || ts[payload + 1] != 0 || ts[payload + 2] != 1
				|| (ts[payload + 7] & 0x80) == 0) {
			return -1;
		}
		int at = payload + 9;
		return ((long) (ts[at] & 0x0e) << 29) | ((ts[at + 1] & 0xff) << 22) | ((ts[at + 2] & 0xfe) << 14)
				| ((ts[at + 3] & 0xff) << 7) | ((ts[at + 4] & 0xfe) >> 1);
	}

	private static int pmtPid(byte[] ts, int section, int end) {
		if (section + 12 > end || ts[section] != 0) {
			return -1;
		}
		for (int at = section + 8; at + 4 <= end; at += 4) {
			int program = ((ts[at] & 0xff) << 8) | (ts[at + 1] & 0xff);
			if (program != 0) {
				return ((ts[at + 2] & 0x1f) << 8) | (ts[at + 3] & 0xff);
			}
		}
		return -1;
	}

	private static int videoPid(byte[] ts, int section, int end) {
		if (section + 12 > end || ts[section] != 2) {
			return -1;
		}
		int length = ((ts[section + 1] & 0x0f) << 8) | (ts[section + 2] & 0xff);
		int last = Math.min(end, section + 3 + length - 4);
		int infoLength = ((ts[section + 10] & 0x0f) << 8) | (ts[section + 11] & 0xff);
		for (int at = section + 12 + infoLength; at + 5 <= last;) {
			int type = ts[at] & 0xff;
			if (type == 0x1B) {
				return ((ts[at + 1] & 0x1f) << 8) | (ts[at + 2] & 0xff);
			}
			at += 5 + (((ts[at + 3] & 0x0f) << 8) | (ts[at + 4] & 0xff));
		}
		return -1;
	}

	/** Whether a PES packet's first transport packet holds an IDR slice. */
	private static boolean idr(byte[] ts, int payload, int end) {
		if (payload + 9 > end) {
			return false;
		}
		for (int i = payload + 9 + (ts[payload + 8] & 0xff); i + 3 < end; i++) {
			if (ts[i] == 0 && ts[i + 1] == 0 && ts[i + 2] == 1 && (ts[i + 3] & 0x1f) == 5) {
				return true;
			}
		}
		return false;
	}

}
