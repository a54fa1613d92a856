package dev.partisan.demo.kv.vnode;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The data of one partition, in memory. Requests reach it through its handler (one at a
 * time, as an actor); handoff and anti-entropy merge into it from their own handlers,
 * which is safe because a merge is one atomic {@link ConcurrentHashMap#merge} under
 * last-writer-wins.
 */
public final class Vnode {

	private final int partition;

	private final String node;

	private final Duration storageDelay;

	private final ConcurrentHashMap<String, Versioned> data = new ConcurrentHashMap<>();

	public Vnode(int partition, String node, Duration storageDelay) {
		this.partition = partition;
		this.node = node;
		this.storageDelay = storageDelay;
	}

	public int partition() {
		return this.partition;
	}

	/** Serves a coordinator's request, after the simulated storage delay. */
	public VnodeReply handle(VnodeRequest request) {
		if (!this.storageDelay.isZero()) {
			LockSupport.parkNanos(this.storageDelay.toNanos());
		}
		Versioned value = (request.op() == VnodeRequest.Op.PUT && request.value() != null)
				? merge(request.key(), request.value()) : this.data.get(request.key());
		return new VnodeReply(this.partition, this.node, value);
	}

	/** Keeps the newer of what it has and {@code value}; returns what it keeps. */
	public Versioned merge(String key, Versioned value) {
		return this.data.merge(key, value, (a, b) -> Versioned.newest(a, b));
	}

	public @Nullable Versioned get(String key) {
		return this.data.get(key);
	}

	public Map<String, Versioned> snapshot() {
		return new HashMap<>(this.data);
	}

	public int size() {
		return this.data.size();
	}

}
