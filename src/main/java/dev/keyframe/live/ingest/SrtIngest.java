package dev.keyframe.live.ingest;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.keyframe.live.IngestUrl;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.internal.Admission;
import dev.keyframe.live.internal.BadFeed;
import dev.keyframe.live.internal.Feed;
import dev.keyframe.live.internal.Refused;

/**
 * SRT ingest: one SRT listener (Debian's libsrt, called through the FFM API) for every channel. A caller names its
 * channel by the stream key as its {@code streamid}. libsrt asks, in the handshake, whether to take it (the listen
 * callback): an unknown key is rejected there; a known one gets its channel's passphrase set on the new socket, so a
 * caller with a wrong (or no) passphrase fails the handshake inside libsrt (encryption is enforced) and is never
 * accepted. Only an accepted caller opens a feed, and its messages (MPEG-TS, as encoders send over SRT) are the feed.
 * No data for the idle timeout ends it.
 */
@Component
@Order(3)
class SrtIngest implements IngestProtocol {

	static final String NAME = "SRT";

	private static final Logger log = LoggerFactory.getLogger(SrtIngest.class);

	/** A live-mode SRT message is at most 1456 bytes (usually 7 TS packets, 1316). */
	private static final int MESSAGE = 1500;

	private final LiveSettings settings;

	private final AtomicInteger feeds = new AtomicInteger();

	private volatile @Nullable LibSrt srt;

	private volatile @Nullable Admission admission;

	private @Nullable Arena arena;

	private @Nullable Thread acceptor;

	private volatile int listener = -1;

	private volatile int port = -1;

	SrtIngest(LiveSettings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean enabled() {
		return settings.srt().enabled();
	}

	/** {@code srt://host:port?streamid=<key>&passphrase=<passphrase>}: the one field OBS and encoders take. */
	@Override
	public IngestUrl url(String key, String passphrase) {
		return new IngestUrl(NAME, "SRT", settings.srt().url() + "?streamid=" + encode(key) + "&passphrase="
				+ encode(passphrase), null);
	}

	private static String encode(String value) {
		// keys and passphrases are URL-safe already; placeholders ("{stream key}") are shown as they are
		return value.startsWith("{") ? value : URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public synchronized void start(Admission admission) throws IOException {
		LibSrt lib;
		try {
			lib = LibSrt.load(settings.srt().library());
		}
		catch (IllegalArgumentException | UnsatisfiedLinkError ex) {
			log.warn("SRT ingest is off: {} cannot be loaded ({}) (Debian: apt-get install libsrt1.5-openssl)",
					settings.srt().library(), ex.getMessage());
			return;
		}
		if (lib.startup() < 0) {
			throw new IOException("srt_startup failed: " + lib.lastErrorText());
		}
		Arena upcalls = Arena.ofShared();
		int socket = lib.createSocket();
		try {
			check(lib, socket, "srt_create_socket");
			check(lib, lib.setInt(socket, LibSrt.SRTO_ENFORCEDENCRYPTION, 1), "SRTO_ENFORCEDENCRYPTION");
			check(lib, lib.bindAny(socket, settings.srt().port()), "binding port " + settings.srt().port());
			MethodHandle target = MethodHandles.lookup()
				.findVirtual(SrtIngest.class, "handshake",
						MethodType.methodType(int.class, MemorySegment.class, int.class, int.class, MemorySegment.class,
								MemorySegment.class))
				.bindTo(this);
			MemorySegment hook = Linker.nativeLinker().upcallStub(target, LibSrt.LISTEN_CALLBACK, upcalls);
			check(lib, lib.listenCallback(socket, hook), "srt_listen_callback");
			check(lib, lib.listen(socket, 16), "srt_listen");
		}
		catch (IOException ex) {
			release(lib, socket, upcalls);
			throw ex;
		}
		catch (ReflectiveOperationException ex) {
			release(lib, socket, upcalls);
			throw new IllegalStateException(ex);
		}
		this.srt = lib;
		this.admission = admission;
		this.arena = upcalls;
		this.listener = socket;
		this.port = lib.boundPort(socket);
		// platform threads: a thread in a native call that blocks would pin a virtual thread's carrier
		this.acceptor = Thread.ofPlatform().daemon().name("srt-accept").start(() -> accept(lib, socket));
		log.info("SRT ingest on UDP port {}: srt://<host>:{}?streamid=<stream key>&passphrase=<passphrase>", port, port);
	}

	private static void release(LibSrt lib, int socket, Arena upcalls) {
		lib.close(socket);
		lib.cleanup();
		upcalls.close();
	}

	private static void check(LibSrt lib, int result, String what) throws IOException {
		if (result == -1) {
			throw new IOException(what + ": " + lib.lastErrorText());
		}
	}

	/**
	 * libsrt's listen callback, on its receiving thread, in the handshake: 0 takes the caller (its passphrase still has
	 * to match the one set here), -1 rejects it. It must not throw (an exception would end the JVM).
	 */
	@SuppressWarnings("unused") // called from libsrt
	private int handshake(MemorySegment opaque, int socket, int version, MemorySegment peer, MemorySegment streamId) {
		LibSrt lib = srt;
		Admission admission = this.admission;
		if (lib == null || admission == null) {
			return -1;
		}
		try {
			String key = streamId.equals(MemorySegment.NULL) ? ""
					: streamId.reinterpret(LibSrt.MAX_STREAMID + 1).getString(0);
			if (!IngestServlet.KEY.matcher(key).matches()) {
				return reject(lib, socket, LibSrt.SRT_REJX_FORBIDDEN, "no stream key as its streamid");
			}
			String passphrase = admission.srtPassphrase(key);
			if (lib.setString(socket, LibSrt.SRTO_PASSPHRASE, passphrase) == -1) {
				return reject(lib, socket, LibSrt.SRT_REJX_FORBIDDEN, "the passphrase was not taken: " + lib.lastErrorText());
			}
			return 0;
		}
		catch (Refused refused) {
			return reject(lib, socket, 1000 + refused.status(), refused.getMessage());
		}
		catch (Throwable ex) {
			log.error("SRT handshake check failed", ex);
			return reject(lib, socket, LibSrt.SRT_REJX_FORBIDDEN, ex.getClass().getSimpleName());
		}
	}

	private int reject(LibSrt lib, int socket, int reason, String why) {
		log.info("SRT caller refused: {}", why);
		lib.setRejectReason(socket, reason);
		return -1;
	}

	private void accept(LibSrt lib, int socket) {
		while (listener == socket) {
			int caller = lib.accept(socket);
			if (caller == -1) {
				if (listener != socket) {
					return; // stopped
				}
				log.warn("SRT accept failed: {}", lib.lastErrorText());
				sleep(100);
				continue;
			}
			Thread.ofPlatform().daemon().name("srt-feed-" + feeds.incrementAndGet()).start(() -> take(lib, caller));
		}
	}

	/** An accepted caller: its key opens the feed, its messages are the feed's bytes. */
	private void take(LibSrt lib, int caller) {
		Admission admission = this.admission;
		String key = lib.getString(caller, LibSrt.SRTO_STREAMID, LibSrt.MAX_STREAMID);
		if (admission == null || key == null) {
			lib.close(caller);
			return;
		}
		lib.setInt(caller, LibSrt.SRTO_RCVTIMEO, (int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()));
		Feed feed;
		try {
			feed = admission.open(key, NAME);
		}
		catch (Refused refused) {
			log.info("SRT caller refused: {}", refused.getMessage());
			lib.close(caller);
			return;
		}
		catch (RuntimeException ex) {
			log.error("SRT feed could not be opened", ex);
			lib.close(caller);
			return;
		}
		String reason = "The SRT feed ended";
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = arena.allocate(MESSAGE);
			byte[] chunk = new byte[MESSAGE];
			while (true) {
				int read = lib.recvmsg(caller, buffer);
				if (read <= 0) {
					int error = read == 0 ? 0 : lib.lastError();
					reason = error == LibSrt.SRT_EASYNCRCV || error == LibSrt.SRT_ETIMEOUT ? "No data arrived for a while"
							: error == LibSrt.SRT_ECONNLOST || error == 0 ? "The SRT feed ended"
									: "The SRT connection dropped (" + lib.lastErrorText() + ")";
					break;
				}
				MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, chunk, 0, read);
				feed.write(chunk, read);
			}
		}
		catch (BadFeed bad) {
			reason = bad.getMessage();
		}
		catch (IOException ex) {
			reason = "The session no longer takes the feed";
		}
		catch (RuntimeException ex) {
			log.error("Live feed {} failed", feed.session(), ex);
			reason = "Keyframe could not take the feed (" + ex.getClass().getSimpleName() + ")";
		}
		finally {
			lib.close(caller);
			feed.close(reason);
		}
		log.info("Live feed {} ended: {}", feed.session(), reason);
	}

	@Override
	public int port() {
		return listener == -1 ? -1 : port;
	}

	@Override
	public synchronized void stop() {
		LibSrt lib = srt;
		int socket = listener;
		listener = -1;
		if (lib == null || socket == -1) {
			return;
		}
		lib.close(socket);
		Thread waiting = acceptor;
		if (waiting != null) {
			try {
				waiting.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		// ends every caller's socket too: their feeds end and their threads return
		lib.cleanup();
		admission = null;
		srt = null;
		Arena upcalls = arena;
		arena = null;
		if (upcalls != null) {
			upcalls.close();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
