package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which members are up — in the overlay's membership, control connection open,
 * heard from within the failure timeout — and tells listeners about each change. Runs on
 * the node's control thread; the snapshot it publishes is read from any thread.
 */
final class MemberTracker {

	private static final Logger logger = LoggerFactory.getLogger(MemberTracker.class);

	private final NodeId self;

	private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

	private final List<Waiter> waiters = new ArrayList<>();

	private volatile Map<NodeId, Node> up = Map.of();

	private record Waiter(NodeId node, CompletableFuture<Void> future) {
	}

	MemberTracker(NodeId self) {
		this.self = self;
	}

	Registration addListener(MembershipListener listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	Map<NodeId, Node> up() {
		return this.up;
	}

	/** Completes when {@code node} is up (control thread only). */
	CompletableFuture<Void> awaitUp(NodeId node) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		if (this.up.containsKey(node)) {
			future.complete(null);
		}
		else {
			this.waiters.add(new Waiter(node, future));
		}
		return future;
	}

	/**
	 * Recomputes the up set from the overlay's members and the reachability test, and
	 * returns the nodes that came up and went down, in that order, after telling the
	 * listeners.
	 */
	Changes evaluate(Set<Node> members, Predicate<NodeId> reachable) {
		Map<NodeId, Node> next = new LinkedHashMap<>();
		for (Node member : members) {
			if (!member.id().equals(this.self) && reachable.test(member.id())) {
				next.put(member.id(), member);
			}
		}
		Map<NodeId, Node> previous = this.up;
		List<Node> cameUp = new ArrayList<>();
		List<Node> wentDown = new ArrayList<>();
		Set<NodeId> stillMembers = new HashSet<>();
		members.forEach((member) -> stillMembers.add(member.id()));
		next.forEach((id, node) -> {
			if (!previous.containsKey(id)) {
				cameUp.add(node);
			}
		});
		previous.forEach((id, node) -> {
			if (!next.containsKey(id)) {
				wentDown.add(node);
			}
		});
		this.up = Map.copyOf(next);
		this.waiters.removeIf((waiter) -> {
			if (waiter.future.isDone()) {
				return true;
			}
			if (next.containsKey(waiter.node)) {
				waiter.future.complete(null);
				return true;
			}
			return false;
		});
		for (Node node : cameUp) {
			logger.info("Member up on {}: {}", this.self, node);
			notifyUp(node);
		}
		for (Node node : wentDown) {
			DownReason reason = stillMembers.contains(node.id()) ? DownReason.UNREACHABLE : DownReason.LEFT;
			logger.info("Member down on {}: {} ({})", this.self, node, reason.name().toLowerCase());
			notifyDown(node, reason);
		}
		return new Changes(cameUp, wentDown);
	}

	private void notifyUp(Node node) {
		for (MembershipListener listener : this.listeners) {
			try {
				listener.memberUp(node);
			}
			catch (RuntimeException ex) {
				logger.warn("Membership listener {} failed on {}", listener, node, ex);
			}
		}
	}

	private void notifyDown(Node node, DownReason reason) {
		for (MembershipListener listener : this.listeners) {
			try {
				listener.memberDown(node, reason);
			}
			catch (RuntimeException ex) {
				logger.warn("Membership listener {} failed on {}", listener, node, ex);
			}
		}
	}

	record Changes(List<Node> cameUp, List<Node> wentDown) {
	}

}
