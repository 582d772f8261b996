package dev.keyframe.live.internal;

import java.io.ByteArrayOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * What a standby feed has sent since its newest video keyframe, so that the output can switch to it at once: an
 * encoder started on these bytes begins with that keyframe (a {@link KeyframeGate} in front of it drops the audio
 * from before it), at most a keyframe interval behind the feed. The newest PAT and PMT are kept in front of the
 * keyframe, so the bytes are a transport stream a demuxer can open on its own. Not thread-safe: the run's monitor
 * guards it.
 */
final class StandbyBuffer {

	/** A feed that shows no keyframe in this much is not kept further: it is not fit to switch to yet. */
	private static final int MAX_BYTES = 24 * 1024 * 1024;

	private final MpegTs.Packets packets = new MpegTs.Packets();

	private ByteArrayOutputStream since = new ByteArrayOutputStream();

	private byte @Nullable [] pat;

	private byte @Nullable [] pmt;

	private int pmtPid = -1;

	private int videoPid = -1;

	private boolean keyframe;

	private long keyframeArrival;

	void add(byte[] data, int length, long arrivedAt) {
		packets.feed(data, length, (ts, at) -> packet(ts, at, arrivedAt));
	}

	private void packet(byte[] ts, int at, long arrivedAt) {
		int pid = MpegTs.pid(ts, at);
		int payload = MpegTs.payload(ts, at);
		int end = at + MpegTs.PACKET;
		boolean start = payload >= 0 && MpegTs.unitStart(ts, at);
		if (pid == 0 && start) {
			pat = java.util.Arrays.copyOfRange(ts, at, end);
			pmtPid = MpegTs.pmtPid(ts, payload, end);
			return;
		}
		if (pid == pmtPid && start) {
			pmt = java.util.Arrays.copyOfRange(ts, at, end);
			videoPid = MpegTs.h264Pid(ts, payload, end);
			return;
		}
		if (pid == videoPid && start && pat != null && pmt != null && MpegTs.keyframeStart(ts, at, payload, end)) {
			since = new ByteArrayOutputStream(Math.max(64 * 1024, since.size()));
			since.write(pat, 0, MpegTs.PACKET);
			since.write(pmt, 0, MpegTs.PACKET);
			keyframe = true;
			keyframeArrival = arrivedAt;
		}
		if (!keyframe) {
			return;
		}
		since.write(ts, at, MpegTs.PACKET);
		if (since.size() > MAX_BYTES) {
			since = new ByteArrayOutputStream();
			keyframe = false;
		}
	}

	/** Whether it holds a keyframe to start from. */
	boolean ready() {
		return keyframe;
	}

	/** When the keyframe it starts from arrived, epoch ms. */
	long keyframeArrival() {
		return keyframeArrival;
	}

	/** Everything from the newest keyframe on, and starts over (the next keyframe opens it again). */
	byte[] drain() {
		byte[] bytes = since.toByteArray();
		since = new ByteArrayOutputStream();
		keyframe = false;
		return bytes;
	}

}
