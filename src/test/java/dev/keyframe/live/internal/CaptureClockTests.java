package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

/** The feed's clock, read from MPEG-TS packets built here byte by byte as a muxer writes them. */
class CaptureClockTests {

	private static final long BASE = 1_796_000_000_000L;

	/** 90 kHz ticks per frame at 30 fps. */
	private static final long FRAME = 3000;

	@Test
	void aFeedWhoseFirstFramesCameLateIsDatedByItsTimestampsOnItsQuickestDelivery() {
		CaptureClock clock = new CaptureClock();
		long firstPts = 900_000; // 10 s
		for (int frame = 0; frame < 120; frame++) {
			long captured = BASE + frame * FRAME / 90;
			// the encoder took 900 ms to connect: the first ten frames arrive together, then each 40 ms after capture
			long arrived = frame < 10 ? BASE + 900 : captured + 40;
			byte[] packet = video(firstPts + frame * FRAME, frame % 60 == 0);
			clock.feed(packet, packet.length, arrived);
		}
		assertThat(clock.firstFrameCapturedAt()).isEqualTo(BASE + 40);
	}

	@Test
	void aBacklogDeliveredAtOnceIsDatedBackToWhenItWasCaptured() {
		CaptureClock clock = new CaptureClock();
		byte[] backlog = frames(0, 300, 30, 0);
		long deliveredAt = BASE + 60_000;
		clock.feed(backlog, backlog.length, deliveredAt);
		assertThat(clock.firstFrameCapturedAt()).as("10 s of frames: the first is 299 frames older than the last")
			.isEqualTo(deliveredAt - 299 * FRAME / 90);
	}

	@Test
	void chunksNeedNotEndOnPacketsAndTheFirstKeyframeIsTheFirstPicture() {
		byte[] feed = frames(45_000, 90, 30, 30); // starts mid-GOP: the first keyframe is frame 30
		feed = concat(new byte[] { 0x12, 0x34, 0x56 }, audio(44_000), feed); // garbage and audio first
		CaptureClock whole = new CaptureClock();
		whole.feed(feed, feed.length, BASE);
		CaptureClock pieces = new CaptureClock();
		for (int at = 0; at < feed.length; at += 100) {
			byte[] chunk = java.util.Arrays.copyOfRange(feed, at, Math.min(feed.length, at + 100));
			pieces.feed(chunk, chunk.length, BASE);
		}
		long lastFrame = (45_000 + 89 * FRAME) / 90;
		long keyframe = (45_000 + 30 * FRAME) / 90;
		assertThat(whole.firstFrameCapturedAt()).isEqualTo(BASE - lastFrame + keyframe);
		assertThat(pieces.firstFrameCapturedAt()).isEqualTo(whole.firstFrameCapturedAt());
	}

	@Test
	void theThirtyThreeBitCounterWrapsWithoutBreakingTheClock() {
		CaptureClock clock = new CaptureClock();
		long start = (1L << 33) - 30 * FRAME; // a second before it wraps
		for (int frame = 0; frame < 90; frame++) {
			byte[] packet = video((start + frame * FRAME) % (1L << 33), frame == 0);
			clock.feed(packet, packet.length, BASE + frame * FRAME / 90 + 25);
		}
		assertThat(clock.firstFrameCapturedAt()).as("to the millisecond the ticks round to")
			.isCloseTo(BASE + 25, org.assertj.core.data.Offset.offset(1L));
	}

	@Test
	void withoutVideoTimestampsThereIsNoClock() {
		CaptureClock clock = new CaptureClock();
		byte[] sound = audio(90_000);
		clock.feed(sound, sound.length, BASE);
		assertThat(clock.firstFrameCapturedAt()).isZero();
	}

	private static byte[] frames(long firstPts, int count, int gop, int firstKeyframe) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int frame = 0; frame < count; frame++) {
			out.writeBytes(video(firstPts + frame * FRAME, frame >= firstKeyframe && (frame - firstKeyframe) % gop == 0));
		}
		return out.toByteArray();
	}

	private static byte[] video(long pts, boolean keyframe) {
		return packet(0x100, 0xE0, pts, keyframe);
	}

	private static byte[] audio(long pts) {
		return packet(0x101, 0xC0, pts, true);
	}

	/** One TS packet that starts a PES with a PTS, an adaptation field with the random access flag where asked. */
	private static byte[] packet(int pid, int stream, long pts, boolean randomAccess) {
		byte[] p = new byte[188];
		p[0] = 0x47;
		p[1] = (byte) (0x40 | (pid >> 8));
		p[2] = (byte) pid;
		p[3] = 0x30; // adaptation field and payload
		int adaptation = 8;
		p[4] = (byte) adaptation;
		p[5] = (byte) (randomAccess ? 0x40 : 0x00);
		for (int i = 6; i < 5 + adaptation; i++) {
			p[i] = (byte) 0xff; // stuffing
		}
		int at = 5 + adaptation;
		byte[] pes = { 0, 0, 1, (byte) stream, 0, 0, (byte) 0x80, (byte) 0x80, 5, (byte) (0x21 | ((pts >> 29) & 0x0E)),
				(byte) (pts >> 22), (byte) (0x01 | ((pts >> 14) & 0xFE)), (byte) (pts >> 7), (byte) (0x01 | ((pts << 1) & 0xFE)) };
		System.arraycopy(pes, 0, p, at, pes.length);
		return p;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
