package dev.keyframe.live.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What the first bytes of an MPEG-TS feed show of its H.264 video, read from the transport stream itself rather
 * than asked of ffprobe (which says nothing of keyframe spacing or reordering without decoding): when each keyframe
 * is presented, whether frames are reordered (B-frames), the sequence parameter set, and how many bytes the video
 * takes. {@link Passthrough} decides from it whether the feed's own video can be a rung.
 *
 * <p>A keyframe is a PES packet of the video stream that carries the random access indicator or whose first bytes
 * hold an IDR slice. Frames are reordered when a PES packet's decoding time differs from its presentation time.
 *
 * @param keyframes presentation times of the keyframes, 90 kHz, in stream order
 * @param reordered whether any frame is decoded before it is presented
 * @param sps the first sequence parameter set, if one was seen
 * @param videoBytes the video stream's bytes (its transport packets' payload)
 * @param firstPts the first video presentation time, 90 kHz; -1 when no video was found
 * @param lastPts the last one
 * @param frames video PES packets seen (one frame each, as every muxer Keyframe has met writes H.264)
 */
record VideoScan(List<Long> keyframes, boolean reordered, @Nullable Sps sps, long videoBytes, long firstPts,
		long lastPts, int frames) {

	private static final long WRAP = MpegTs.WRAP;

	/** How much of each PES packet is searched for parameter sets and IDR slices. */
	private static final int HEAD = 4096;

	/**
	 * An H.264 sequence parameter set's profile and format.
	 *
	 * @param profile {@code profile_idc}: 66 Baseline, 77 Main, 100 High, 110 High 10, 122 High 4:2:2, ...
	 * @param constraints the constraint flags byte
	 * @param level {@code level_idc}: 31 for level 3.1
	 * @param chroma {@code chroma_format_idc}: 1 for 4:2:0
	 * @param bitDepth luma bit depth
	 */
	record Sps(int profile, int constraints, int level, int chroma, int bitDepth) {

		/** The RFC 6381 codec string, as the parameter set states it: {@code avc1.64001f}. */
		String avc1() {
			return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profile, constraints, level);
		}

		/** The profile's name, as people know it. */
		String profileName() {
			return switch (profile) {
				case 66 -> (constraints & 0x40) != 0 ? "Constrained Baseline" : "Baseline";
				case 77 -> "Main";
				case 88 -> "Extended";
				case 100 -> "High";
				case 110 -> "High 10";
				case 122 -> "High 4:2:2";
				case 244 -> "High 4:4:4";
				default -> "profile " + profile;
			};
		}

		/** {@code 3.1} for level_idc 31. */
		String levelName() {
			return level / 10 + "." + level % 10;
		}

	}

	/** Seconds from the first video frame to the last one seen. */
	double span() {
		return firstPts < 0 ? 0 : ((lastPts - firstPts) & WRAP) / 90_000.0;
	}

	/** Seconds between consecutive keyframes. */
	List<Double> intervals() {
		List<Double> gaps = new ArrayList<>();
		for (int i = 1; i < keyframes.size(); i++) {
			gaps.add(((keyframes.get(i) - keyframes.get(i - 1)) & WRAP) / 90_000.0);
		}
		return gaps;
	}

	/** Seconds from the last keyframe (or the first frame, if none) to the last frame seen. */
	double sinceKeyframe() {
		long from = keyframes.isEmpty() ? firstPts : keyframes.getLast();
		return from < 0 ? 0 : ((lastPts - from) & WRAP) / 90_000.0;
	}

	/** The video's average bitrate over what was seen, kb/s; 0 when under one frame was seen. */
	int kbps() {
		if (frames < 2) {
			return 0;
		}
		// the span ends where the last frame starts: add that frame's share
		double seconds = span() * frames / (frames - 1);
		return seconds <= 0 ? 0 : (int) Math.ceil(videoBytes * 8 / seconds / 1000);
	}

	/** Reads the transport stream; bytes that are not MPEG-TS give a scan with no video. */
	static VideoScan of(byte[] ts) {
		Reader reader = new Reader();
		reader.feed(ts, ts.length);
		return reader.finish();
	}

	/**
	 * Reads a feed as it arrives, chunk by chunk, so a decision made after each chunk costs only that chunk.
	 * Not thread-safe.
	 */
	static final class Reader {

		private final MpegTs.Packets packets = new MpegTs.Packets();

		private int pmtPid = -1;

		private int videoPid = -1;

		private final List<Long> keyframes = new ArrayList<>();

		private boolean reordered;

		private @Nullable Sps sps;

		private long videoBytes;

		private long firstPts = -1;

		private long lastPts = -1;

		private int frames;

		/** The current video PES packet's first bytes, and whether it is a keyframe so far. */
		private final ByteArrayOutputStream pes = new ByteArrayOutputStream();

		private long pesPts = -1;

		private boolean pesRandomAccess;

		void feed(byte[] data, int length) {
			packets.feed(data, length, this::packet);
		}

		/**
		 * What was read so far. The PES packet being read counts as a keyframe only if its transport packet said
		 * so: an IDR slice in it is found once it ends.
		 */
		VideoScan scan() {
			List<Long> seen = new ArrayList<>(keyframes);
			if (pesPts >= 0 && pesRandomAccess) {
				seen.add(pesPts);
			}
			return new VideoScan(List.copyOf(seen), reordered, sps, videoBytes, firstPts, lastPts, frames);
		}

		/** What was read, the last PES packet ended with the input. */
		VideoScan finish() {
			endPes();
			return scan();
		}

		private void packet(byte[] ts, int at) {
			int pid = MpegTs.pid(ts, at);
			int payload = MpegTs.payload(ts, at);
			int end = at + MpegTs.PACKET;
			if (payload < 0) {
				return;
			}
			boolean unitStart = MpegTs.unitStart(ts, at);
			if (pid == 0 && unitStart) {
				pmtPid = MpegTs.pmtPid(ts, payload, end);
			}
			else if (pid == pmtPid && unitStart && videoPid < 0) {
				videoPid = MpegTs.h264Pid(ts, payload, end);
			}
			else if (pid == videoPid) {
				videoBytes += end - payload;
				if (unitStart) {
					endPes();
					startPes(ts, payload, end, MpegTs.randomAccess(ts, at));
				}
				else if (pes.size() < HEAD) {
					pes.write(ts, payload, Math.min(end - payload, HEAD - pes.size()));
				}
			}
		}

		private void startPes(byte[] ts, int at, int end, boolean randomAccess) {
			if (!MpegTs.timedPes(ts, at, end)) {
				pesPts = -1;
				return;
			}
			long pts = MpegTs.pts(ts, at);
			if (MpegTs.dts(ts, at, end) != pts) {
				reordered = true;
			}
			pesPts = pts;
			pesRandomAccess = randomAccess;
			frames++;
			if (firstPts < 0) {
				firstPts = pts;
			}
			lastPts = pts;
			int data = MpegTs.pesData(ts, at);
			if (data < end) {
				pes.write(ts, data, end - data);
			}
		}

		/** Ends the current PES packet: searches its first bytes for a parameter set and an IDR slice. */
		private void endPes() {
			if (pesPts < 0) {
				pes.reset();
				return;
			}
			byte[] head = pes.toByteArray();
			boolean idr = false;
			for (int i = 0; i + 3 < head.length; i++) {
				if (head[i] != 0 || head[i + 1] != 0 || head[i + 2] != 1) {
					continue;
				}
				int type = head[i + 3] & 0x1f;
				if (type == 5) {
					idr = true;
				}
				else if (type == 7 && sps == null) {
					sps = sps(head, i + 4);
				}
				if (type == 1 || type == 5) {
					break; // the slice data follows: no parameter set after it
				}
			}
			if (pesRandomAccess || idr) {
				keyframes.add(pesPts);
			}
			pes.reset();
			pesPts = -1;
		}

		/** A sequence parameter set from its first byte after the NAL header, emulation prevention removed. */
		private static @Nullable Sps sps(byte[] head, int at) {
			ByteArrayOutputStream rbsp = new ByteArrayOutputStream();
			int zeros = 0;
			for (int i = at; i < head.length && rbsp.size() < 64; i++) {
				int b = head[i] & 0xff;
				if (zeros >= 2 && b == 3) {
					zeros = 0;
					continue;
				}
				if (zeros >= 2 && b <= 2) {
					break; // the next start code
				}
				zeros = b == 0 ? zeros + 1 : 0;
				rbsp.write(b);
			}
			byte[] bits = rbsp.toByteArray();
			if (bits.length < 4) {
				return null;
			}
			int profile = bits[0] & 0xff;
			int chroma = 1;
			int depth = 8;
			BitReader reader = new BitReader(bits, 3);
			reader.ue(); // seq_parameter_set_id
			if (List.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135).contains(profile)) {
				chroma = reader.ue();
				if (chroma == 3) {
					reader.bit();
				}
				depth = 8 + reader.ue();
			}
			if (reader.overrun()) {
				return null;
			}
			return new Sps(profile, bits[1] & 0xff, bits[2] & 0xff, chroma, depth);
		}

	}

	/** Exp-Golomb reading of an RBSP. */
	private static final class BitReader {

		private final byte[] bytes;

		private int bit;

		BitReader(byte[] bytes, int fromByte) {
			this.bytes = bytes;
			this.bit = fromByte * 8;
		}

		int bit() {
			if (bit >= bytes.length * 8) {
				bit++;
				return 0;
			}
			int value = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
			bit++;
			return value;
		}

		int ue() {
			int zeros = 0;
			while (bit() == 0 && zeros < 31 && !overrun()) {
				zeros++;
			}
			int value = 0;
			for (int i = 0; i < zeros; i++) {
				value = (value << 1) | bit();
			}
			return (1 << zeros) - 1 + value;
		}

		boolean overrun() {
			return bit > bytes.length * 8;
		}

	}

}
