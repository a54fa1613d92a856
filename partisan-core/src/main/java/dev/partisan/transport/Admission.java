package dev.partisan.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Bounds the connections that have not finished the handshake: at most
 * {@link #PER_ADDRESS} from one address and {@link #TOTAL} in all. Past either, a new
 * connection is closed at once. Each pending connection holds at most one frame of
 * {@code Handshake.MAX_FRAME} bytes and lives at most the handshake time-out, so what
 * strangers can make this node hold is bounded too.
 */
final class Admission {

	/** Handshakes in progress from one address: a node dials a few lanes at a time. */
	static final int PER_ADDRESS = 32;

	/** Handshakes in progress in all. */
	static final int TOTAL = 256;

	private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

	private final AtomicInteger total = new AtomicInteger();

	private final AtomicLong refused = new AtomicLong();

	/**
	 * Whether a new connection from {@code remote} may start a handshake; if so it must
	 * be {@link #settle settled}.
	 */
	boolean admit(@Nullable SocketAddress remote) {
		InetAddress address = address(remote);
		if (this.total.incrementAndGet() > TOTAL) {
			this.total.decrementAndGet();
			this.refused.incrementAndGet();
			return false;
		}
		if (address != null) {
			AtomicInteger count = this.perAddress.computeIfAbsent(address, (a) -> new AtomicInteger());
			if (count.incrementAndGet() > PER_ADDRESS) {
				count.decrementAndGet();
				this.total.decrementAndGet();
				this.refused.incrementAndGet();
				return false;
			}
		}
		return true;
	}

	/** An admitted connection finished its handshake, or closed before. */
	void settle(@Nullable SocketAddress remote) {
		this.total.decrementAndGet();
		InetAddress address = address(remote);
		if (address != null) {
			this.perAddress.computeIfPresent(address, (a, count) -> (count.decrementAndGet() <= 0) ? null : count);
		}
	}

	/** Handshakes in progress. */
	int pending() {
		return this.total.get();
	}

	/** Connections closed at once because too many handshakes were in progress. */
	long refused() {
		return this.refused.get();
	}

	private static @Nullable InetAddress address(@Nullable SocketAddress remote) {
		return (remote instanceof InetSocketAddress inet) ? inet.getAddress() : null;
	}

}
