package dev.partisan.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;

/**
 * The futures waiting for every channel and lane to a peer to connect ({@code syncJoin}).
 */
final class FullConnections {

	private final Map<NodeId, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

	private volatile Predicate<NodeId> fullyConnected = (peer) -> false;

	/** From now on, {@code test} says whether a peer is fully connected. */
	void use(Predicate<NodeId> test) {
		this.fullyConnected = test;
	}

	CompletableFuture<Void> await(NodeId peer) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.waiters.computeIfAbsent(peer, (k) -> new CopyOnWriteArrayList<>()).add(future);
		check(peer);
		return future;
	}

	/** Completes the waiters for {@code peer} if it is fully connected now. */
	void check(NodeId peer) {
		if (this.fullyConnected.test(peer)) {
			List<CompletableFuture<Void>> waiting = this.waiters.remove(peer);
			if (waiting != null) {
				waiting.forEach((future) -> future.complete(null));
			}
		}
	}

	void closeAll() {
		this.waiters.values()
			.forEach((list) -> list
				.forEach((future) -> future.completeExceptionally(new PartisanException("Node closed"))));
		this.waiters.clear();
	}

}
