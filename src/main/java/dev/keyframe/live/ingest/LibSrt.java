package dev.keyframe.live.ingest;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;

import org.jspecify.annotations.Nullable;

/**
 * The part of libsrt's C API (srtcore/srt.h of Haivision/srt 1.5) that a listener needs, bound through the FFM API.
 * The numbers are the header's: a socket is an {@code int32_t}, -1 is {@code SRT_ERROR} / {@code SRT_INVALID_SOCK}.
 * Each method is one C call; errors are read with {@link #lastError()} on the same thread (libsrt keeps them per
 * thread).
 */
final class LibSrt {

	/** {@code SRT_SOCKOPT} values (srt.h, v1.5.1). */
	static final int SRTO_RCVSYN = 2, SRTO_RCVTIMEO = 14, SRTO_PASSPHRASE = 26, SRTO_STREAMID = 46,
			SRTO_ENFORCEDENCRYPTION = 53;

	/** {@code SRT_ERRNO} values: {@code 1000 * major + minor}. */
	static final int SRT_ESCLOSED = 1005, SRT_ECONNLOST = 2001, SRT_EINVSOCK = 5004, SRT_EASYNCRCV = 6002,
			SRT_ETIMEOUT = 6003;

	/** Reject reasons a listener sets (access_control.h: {@code SRT_REJX_*}, 1000 + the HTTP status). */
	static final int SRT_REJX_FORBIDDEN = 1403, SRT_REJX_CONFLICT = 1409;

	/** {@code srt_listen_callback_fn}: (opaque, new socket, handshake version, peer address, stream id) to 0 or -1. */
	static final FunctionDescriptor LISTEN_CALLBACK = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS,
			ADDRESS);

	/** The longest stream id (SRT allows 512 bytes). */
	static final int MAX_STREAMID = 512;

	private static final int AF_INET = 2;

	/** {@code sin_port}: in network byte order. */
	private static final ValueLayout.OfShort PORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

	private final MethodHandle startup, cleanup, createSocket, setsockflag, getsockflag, bind, listen, listenCallback,
			accept, recvmsg, close, setrejectreason, getsockname, getlasterror, getlasterrorStr;

	private LibSrt(SymbolLookup lib) {
		startup = bind(lib, "srt_startup", FunctionDescriptor.of(JAVA_INT));
		cleanup = bind(lib, "srt_cleanup", FunctionDescriptor.of(JAVA_INT));
		createSocket = bind(lib, "srt_create_socket", FunctionDescriptor.of(JAVA_INT));
		setsockflag = bind(lib, "srt_setsockflag", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
		getsockflag = bind(lib, "srt_getsockflag", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
		bind = bind(lib, "srt_bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
		listen = bind(lib, "srt_listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
		listenCallback = bind(lib, "srt_listen_callback", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
		accept = bind(lib, "srt_accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
		recvmsg = bind(lib, "srt_recvmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
		close = bind(lib, "srt_close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
		setrejectreason = bind(lib, "srt_setrejectreason", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
		getsockname = bind(lib, "srt_getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
		getlasterror = bind(lib, "srt_getlasterror", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		getlasterrorStr = bind(lib, "srt_getlasterror_str", FunctionDescriptor.of(ADDRESS));
	}

	/**
	 * Loads {@code library} (a name the dynamic linker finds, or a path).
	 * @throws IllegalArgumentException when it is not there or lacks a function this needs
	 */
	static LibSrt load(String library) {
		try {
			return new LibSrt(SymbolLookup.libraryLookup(library, Arena.global()));
		}
		catch (NoSuchElementException ex) {
			throw new IllegalArgumentException(library + " lacks " + ex.getMessage(), ex);
		}
	}

	private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
		MemorySegment symbol = lib.find(name).orElseThrow(() -> new NoSuchElementException(name));
		return Linker.nativeLinker().downcallHandle(symbol, descriptor);
	}

	int startup() {
		return (int) call(startup);
	}

	int cleanup() {
		return (int) call(cleanup);
	}

	int createSocket() {
		return (int) call(createSocket);
	}

	int setInt(int socket, int option, int value) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment v = arena.allocateFrom(JAVA_INT, value);
			return (int) call(setsockflag, socket, option, v, (int) JAVA_INT.byteSize());
		}
	}

	/** Sets a string option (the length excludes a terminating NUL, as libsrt expects). */
	int setString(int socket, int option, String value) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment v = arena.allocateFrom(value);
			return (int) call(setsockflag, socket, option, v, (int) v.byteSize() - 1);
		}
	}

	/** A string option, such as the stream id of an accepted socket; null when it cannot be read. */
	@Nullable String getString(int socket, int option, int max) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment v = arena.allocate(max + 1);
			MemorySegment length = arena.allocateFrom(JAVA_INT, max);
			if ((int) call(getsockflag, socket, option, v, length) == -1) {
				return null;
			}
			int n = Math.clamp(length.get(JAVA_INT, 0), 0, max);
			return new String(v.asSlice(0, n).toArray(JAVA_BYTE),
					StandardCharsets.UTF_8);
		}
	}

	/** Binds to IPv4 {@code 0.0.0.0:port} ({@code struct sockaddr_in}: family, port in network order, address). */
	int bindAny(int socket, int port) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment address = arena.allocate(16);
			address.set(JAVA_SHORT, 0, (short) AF_INET);
			address.set(PORT, 2,
					(short) port);
			return (int) call(bind, socket, address, 16);
		}
	}

	/** The port {@code socket} is bound to, -1 on error. */
	int boundPort(int socket) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment address = arena.allocate(128);
			MemorySegment length = arena.allocateFrom(JAVA_INT, 128);
			if ((int) call(getsockname, socket, address, length) == -1) {
				return -1;
			}
			return Short.toUnsignedInt(address
				.get(PORT, 2));
		}
	}

	int listen(int socket, int backlog) {
		return (int) call(listen, socket, backlog);
	}

	/** Registers {@code hook} (an upcall stub of {@link #LISTEN_CALLBACK}) for handshakes on {@code listener}. */
	int listenCallback(int listener, MemorySegment hook) {
		return (int) call(listenCallback, listener, hook, MemorySegment.NULL);
	}

	/** Blocks until a caller has completed its handshake; returns its socket, or -1. */
	int accept(int listener) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment address = arena.allocate(128);
			MemorySegment length = arena.allocateFrom(JAVA_INT, 128);
			return (int) call(accept, listener, address, length);
		}
	}

	/** One message into {@code buffer}: its length, or -1 (then see {@link #lastError()}). */
	int recvmsg(int socket, MemorySegment buffer) {
		try {
			return (int) recvmsg.invokeExact(socket, buffer, (int) buffer.byteSize());
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	int close(int socket) {
		return (int) call(close, socket);
	}

	int setRejectReason(int socket, int reason) {
		return (int) call(setrejectreason, socket, reason);
	}

	/** This thread's last error ({@code SRT_ERRNO}). */
	int lastError() {
		return (int) call(getlasterror, MemorySegment.NULL);
	}

	/** This thread's last error, for a person. */
	String lastErrorText() {
		MemorySegment text = (MemorySegment) call(getlasterrorStr);
		return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(1024).getString(0);
	}

	private static Object call(MethodHandle handle, Object... args) {
		try {
			return handle.invokeWithArguments(args);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

}
