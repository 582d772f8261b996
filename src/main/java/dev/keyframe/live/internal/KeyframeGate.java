package dev.keyframe.live.internal;

import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Holds back a new encoder's MPEG-TS input until the first video keyframe: audio and video packets before it are
 * dropped, and so are audio packets after it that are to be played before it; tables (PAT, PMT) pass. Needed where
 * a copied rung is cut into parts by time: ffmpeg's HLS muxer counts a variant's half seconds from its earliest
 * packet, and with audio from before the copied video's first keyframe (a feed's muxer interleaves audio a little
 * behind video; an encoder that starts mid-GOP) its parts would start between keyframes. Frames before the first
 * keyframe cannot be decoded anyway, and the recording and RTMP outputs get every byte.
 *
 * <p>A keyframe is a video PES start with the random access indicator or an IDR slice in its first packet. Bytes
 * before a sync byte are dropped while the gate reads. Not thread-safe: the feed's thread uses it.
 */
final class KeyframeGate {

	/** About 4 MB: a feed that shows no keyframe in that much is passed as it is. */
	private static final int GIVE_UP_PACKETS = 20_000;

	private final MpegTs.Packets packets = new MpegTs.Packets();

	private int pmtPid = -1;

	private int videoPid = -1;

	/** The first keyframe has passed. */
	private boolean open;

	/** Past the keyframe and the other streams' packets from before it: everything passes unread. */
	private boolean settled;

	private int dropped;

	private int checked;

	private long keyframePts = -1;

	/** Streams whose current PES packet is dropped (it plays before the keyframe). */
	private final Set<Integer> dropping = new HashSet<>();

	/** Streams that have had a PES packet from the keyframe's time on. */
	private final Set<Integer> caughtUp = new HashSet<>();

	/**
	 * Whether everything passes from now on, so the gate can go: the first keyframe and what came from before it
	 * are through, and no packet is half passed.
	 */
	boolean through() {
		return settled && !packets.carrying();
	}

	/** What of these bytes the encoder gets. */
	byte[] filter(byte[] data, int length) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(length + MpegTs.PACKET);
		MpegTs.Packets.Sink sink = (ts, at) -> {
			if (settled || pass(ts, at)) {
				out.write(ts, at, MpegTs.PACKET);
			}
		};
		if (settled) {
			// a packet the last chunk began, then the rest as it is
			int used = packets.complete(data, length, sink);
			out.write(data, used, length - used);
		}
		else {
			packets.feed(data, length, sink);
		}
		return out.toByteArray();
	}

	/** Whether the encoder gets this packet. */
	private boolean pass(byte[] ts, int at) {
		int pid = MpegTs.pid(ts, at);
		int payload = MpegTs.payload(ts, at);
		int end = at + MpegTs.PACKET;
		boolean start = payload >= 0 && MpegTs.unitStart(ts, at);
		if (pid == 0) {
			if (start) {
				pmtPid = MpegTs.pmtPid(ts, payload, end);
			}
			return true;
		}
		if (pid == pmtPid) {
			if (start && videoPid < 0) {
				videoPid = MpegTs.h264Pid(ts, payload, end);
				if (videoPid < 0) {
					open = settled = true; // no H.264 video: nothing to wait for
				}
			}
			return true;
		}
		if (pid < 0x20 || pid == 0x1fff) {
			return true; // other tables and null packets
		}
		if (!open) {
			if (pid == videoPid && start && MpegTs.keyframeStart(ts, at, payload, end)) {
				open = true;
				keyframePts = MpegTs.timedPes(ts, payload, end) ? MpegTs.pts(ts, payload) : -1;
				settled = keyframePts < 0;
				return true;
			}
			if (++dropped > GIVE_UP_PACKETS) {
				open = settled = true; // no keyframe in all that: pass the feed as it is
				return true;
			}
			return false; // before the first keyframe
		}
		if (pid == videoPid || caughtUp.contains(pid)) {
			return true;
		}
		// another stream (audio) after the keyframe: its packets from before the keyframe's time are dropped too,
		// PES by PES, until one starts at or after it
		if (start && MpegTs.timedPes(ts, payload, end)) {
			long pts = MpegTs.pts(ts, payload);
			if (pts != keyframePts && ((keyframePts - pts) & MpegTs.WRAP) < MpegTs.WRAP / 2) {
				dropping.add(pid);
			}
			else {
				dropping.remove(pid);
				caughtUp.add(pid);
				settled = ++checked > 8; // a few PES in, every stream has had its say
			}
		}
		return !dropping.contains(pid);
	}

}
