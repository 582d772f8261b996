package dev.keyframe.live.internal;

/**
 * The few MPEG-TS fields the live transcoder reads from a feed ({@link VideoScan}, {@link KeyframeGate}): a
 * transport packet's header, the PAT's first program, the PMT's H.264 stream, a PES header's timestamps and H.264
 * NAL unit types. Offsets are into the array holding the 188-byte packet.
 */
final class MpegTs {

	static final int PACKET = 188;

	static final byte SYNC = 0x47;

	/** MPEG-TS stream type of H.264 video. */
	static final int H264 = 0x1B;

	/** Timestamps are 33 bits. */
	static final long WRAP = (1L << 33) - 1;

	private MpegTs() {
	}

	static int pid(byte[] ts, int at) {
		return ((ts[at + 1] & 0x1f) << 8) | (ts[at + 2] & 0xff);
	}

	/** Whether the packet starts a PES packet or a table section. */
	static boolean unitStart(byte[] ts, int at) {
		return (ts[at + 1] & 0x40) != 0;
	}

	/** Whether the adaptation field carries the random access indicator (set on keyframes). */
	static boolean randomAccess(byte[] ts, int at) {
		return (ts[at + 3] & 0x20) != 0 && (ts[at + 4] & 0xff) > 0 && (ts[at + 5] & 0x40) != 0;
	}

	/** Where the packet's payload starts; -1 when it has none. */
	static int payload(byte[] ts, int at) {
		int control = (ts[at + 3] >> 4) & 3;
		int payload = (control & 2) != 0 ? at + 5 + (ts[at + 4] & 0xff) : at + 4;
		return (control & 1) != 0 && payload < at + PACKET ? payload : -1;
	}

	/** The PID of the first program's PMT, from a PAT packet's payload; -1 if it names none. */
	static int pmtPid(byte[] ts, int payload, int end) {
		int section = payload + 1 + (ts[payload] & 0xff);
		if (section + 8 > end || ts[section] != 0) {
			return -1;
		}
		int last = Math.min(end, section + 3 + sectionLength(ts, section) - 4);
		for (int at = section + 8; at + 4 <= last; at += 4) {
			int program = ((ts[at] & 0xff) << 8) | (ts[at + 1] & 0xff);
			if (program != 0) {
				return ((ts[at + 2] & 0x1f) << 8) | (ts[at + 3] & 0xff);
			}
		}
		return -1;
	}

	/** The PID of the first H.264 stream, from a PMT packet's payload; -1 if it lists none. */
	static int h264Pid(byte[] ts, int payload, int end) {
		int section = payload + 1 + (ts[payload] & 0xff);
		if (section + 12 > end || ts[section] != 2) {
			return -1;
		}
		int last = Math.min(end, section + 3 + sectionLength(ts, section) - 4);
		int infoLength = ((ts[section + 10] & 0x0f) << 8) | (ts[section + 11] & 0xff);
		for (int at = section + 12 + infoLength; at + 5 <= last;) {
			if ((ts[at] & 0xff) == H264) {
				return ((ts[at + 1] & 0x1f) << 8) | (ts[at + 2] & 0xff);
			}
			at += 5 + (((ts[at + 3] & 0x0f) << 8) | (ts[at + 4] & 0xff));
		}
		return -1;
	}

	private static int sectionLength(byte[] ts, int section) {
		return ((ts[section + 1] & 0x0f) << 8) | (ts[section + 2] & 0xff);
	}

	/** Whether a PES header starts at {@code pes}, with a presentation time, within {@code end}. */
	static boolean timedPes(byte[] ts, int pes, int end) {
		return pes + 14 <= end && ts[pes] == 0 && ts[pes + 1] == 0 && ts[pes + 2] == 1 && (ts[pes + 7] & 0x80) != 0;
	}

	/** A timed PES header's presentation time, 90 kHz. */
	static long pts(byte[] ts, int pes) {
		return timestamp(ts, pes + 9);
	}

	/** Its decoding time, or its presentation time when it has none. */
	static long dts(byte[] ts, int pes, int end) {
		return (ts[pes + 7] & 0xc0) == 0xc0 && pes + 19 <= end ? timestamp(ts, pes + 14) : pts(ts, pes);
	}

	/** Where a PES packet's data starts, after its header. */
	static int pesData(byte[] ts, int pes) {
		return pes + 9 + (ts[pes + 8] & 0xff);
	}

	/**
	 * Whether this packet of the H.264 stream, which starts a PES packet, starts a keyframe: the random access
	 * indicator is set, or the PES packet's first bytes hold an IDR slice.
	 */
	static boolean keyframeStart(byte[] ts, int at, int payload, int end) {
		return randomAccess(ts, at) || timedPes(ts, payload, end) && idr(ts, pesData(ts, payload), end);
	}

	/** Whether these H.264 bytes (Annex B) hold an IDR slice. */
	static boolean idr(byte[] data, int from, int end) {
		for (int i = from; i + 3 < end; i++) {
			if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1f) == 5) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The presentation time of the first H.264 picture in a transport stream (a segment the encoder wrote), 90 kHz;
	 * -1 when these bytes show none.
	 */
	static long firstVideoPts(byte[] ts) {
		int pmt = -1;
		int video = -1;
		for (int at = 0; at + PACKET <= ts.length; at += PACKET) {
			if (ts[at] != SYNC) {
				return -1;
			}
			int payload = payload(ts, at);
			if (payload < 0 || !unitStart(ts, at)) {
				continue;
			}
			int pid = pid(ts, at);
			int end = at + PACKET;
			if (pid == 0) {
				pmt = pmtPid(ts, payload, end);
			}
			else if (pid == pmt) {
				video = h264Pid(ts, payload, end);
			}
			else if (pid == video && timedPes(ts, payload, end)) {
				return pts(ts, payload);
			}
		}
		return -1;
	}

	private static long timestamp(byte[] ts, int at) {
		return ((long) (ts[at] & 0x0e) << 29) | ((ts[at + 1] & 0xff) << 22) | ((ts[at + 2] & 0xfe) << 14)
				| ((ts[at + 3] & 0xff) << 7) | ((ts[at + 4] & 0xfe) >> 1);
	}

	/**
	 * Cuts bytes that arrive in chunks of any size into whole transport packets, carrying a partial one over;
	 * bytes before a sync byte are skipped. Not thread-safe.
	 */
	static final class Packets {

		private final byte[] carry = new byte[PACKET];

		private int carried;

		/**
		 * Completes the packet carried over from the last chunk with the first bytes of this one, if one was.
		 * @return how many of these bytes it took
		 */
		int complete(byte[] data, int length, Sink sink) {
			if (carried == 0) {
				return 0;
			}
			int take = Math.min(PACKET - carried, length);
			System.arraycopy(data, 0, carry, carried, take);
			carried += take;
			if (carried == PACKET) {
				sink.packet(carry, 0);
				carried = 0;
			}
			return take;
		}

		/** Whether part of a packet waits for the next chunk. */
		boolean carrying() {
			return carried > 0;
		}

		interface Sink {

			/** One whole packet at {@code at}. */
			void packet(byte[] ts, int at);

		}

		void feed(byte[] data, int length, Sink sink) {
			int at = complete(data, length, sink);
			if (carried > 0) {
				return;
			}
			while (at < length) {
				if (data[at] != SYNC) {
					at++;
					continue;
				}
				if (length - at < PACKET) {
					carried = length - at;
					System.arraycopy(data, at, carry, 0, carried);
					return;
				}
				sink.packet(data, at);
				at += PACKET;
			}
		}

	}

}
