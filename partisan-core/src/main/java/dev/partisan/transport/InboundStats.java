package dev.partisan.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.NodeId;

/**
 * Receive-side figures per peer × channel × lane, and when each peer was last heard from.
 */
final class InboundStats {

	record Key(NodeId peer, String channel, int lane) {
	}

	static final class Counters {

		final LongAdder messages = new LongAdder();

		final LongAdder bytes = new LongAdder();

	}

	static final class Liveness {

		volatile long lastHeardNanos = System.nanoTime();

	}

	private final Map<Key, Counters> counters = new ConcurrentHashMap<>();

	private final Map<NodeId, Liveness> liveness = new ConcurrentHashMap<>();

	Counters counters(NodeId peer, String channel, int lane) {
		return this.counters.computeIfAbsent(new Key(peer, channel, lane), (k) -> new Counters());
	}

	Liveness liveness(NodeId peer) {
		return this.liveness.computeIfAbsent(peer, (k) -> new Liveness());
	}

	Counters find(NodeId peer, String channel, int lane) {
		Counters found = this.counters.get(new Key(peer, channel, lane));
		return (found != null) ? found : new Counters();
	}

	/**
	 * Nanoseconds since anything arrived from {@code peer}, or {@link Long#MAX_VALUE} if
	 * nothing ever did.
	 */
	long silenceNanos(NodeId peer) {
		Liveness found = this.liveness.get(peer);
		return (found != null) ? System.nanoTime() - found.lastHeardNanos : Long.MAX_VALUE;
	}

	void forget(NodeId peer) {
		this.liveness.remove(peer);
		this.counters.keySet().removeIf((key) -> key.peer().equals(peer));
	}

}
