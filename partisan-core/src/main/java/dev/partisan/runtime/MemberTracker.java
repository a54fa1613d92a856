package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import org.jspecify.annotations.Nullable;
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

	/**
	 * The members seen go down and not up since, with why; read from any thread (for
	 * failing fast).
	 */
	private volatile Map<NodeId, DownReason> down = Map.of();

	/** The overlay's members at the last evaluation (control thread). */
	private Set<NodeId> members = Set.of();

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

	/**
	 * Why {@code node} went down, when it was seen go down and has not come up since;
	 * else {@code null}.
	 */
	@Nullable DownReason downReason(NodeId node) {
		return this.down.get(node);
	}

	/**
	 * The overlay's members at the last evaluation, this node excluded (control thread).
	 */
	Set<NodeId> members() {
		return this.members;
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
	 * Like {@link #evaluate(Set, Predicate, Predicate)} for an overlay whose members are
	 * the whole cluster: a member that is no longer one has left.
	 */
	Changes evaluate(Set<Node> members, Predicate<NodeId> reachable) {
		return evaluate(members, reachable, (id) -> false);
	}

	/**
	 * Recomputes the up set from the overlay's members and the reachability test, and
	 * returns the nodes that came up, went down and moved out of view, in that order,
	 * after telling the listeners. An up node that is no longer a member went down as
	 * {@code LEFT}, unless {@code outOfView} says it is still in the cluster, out of this
	 * node's view (peer-to-peer's passive view): that is no down at all.
	 */
	Changes evaluate(Set<Node> members, Predicate<NodeId> reachable, Predicate<NodeId> outOfView) {
		Map<NodeId, Node> next = new LinkedHashMap<>();
		for (Node member : members) {
			if (!member.id().equals(this.self) && reachable.test(member.id())) {
				next.put(member.id(), member);
			}
		}
		Map<NodeId, Node> previous = this.up;
		List<Node> cameUp = new ArrayList<>();
		List<Node> wentDown = new ArrayList<>();
		List<Node> movedOutOfView = new ArrayList<>();
		Set<NodeId> stillMembers = new HashSet<>();
		members.forEach((member) -> stillMembers.add(member.id()));
		next.forEach((id, node) -> {
			if (!previous.containsKey(id)) {
				cameUp.add(node);
			}
		});
		previous.forEach((id, node) -> {
			if (!next.containsKey(id)) {
				if (!stillMembers.contains(id) && outOfView.test(id)) {
					movedOutOfView.add(node);
				}
				else {
					wentDown.add(node);
				}
			}
		});
		this.up = Map.copyOf(next);
		Set<NodeId> previousMembers = this.members;
		stillMembers.remove(this.self);
		this.members = Set.copyOf(stillMembers);
		Map<NodeId, DownReason> downNow = new LinkedHashMap<>(this.down);
		cameUp.forEach((node) -> downNow.remove(node.id()));
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
		Map<NodeId, DownReason> reasons = new LinkedHashMap<>();
		for (Node node : wentDown) {
			reasons.put(node.id(), stillMembers.contains(node.id()) ? DownReason.UNREACHABLE : DownReason.LEFT);
		}
		downNow.putAll(reasons);
		this.down = Map.copyOf(downNow);
		for (Node node : wentDown) {
			DownReason reason = stillMembers.contains(node.id()) ? DownReason.UNREACHABLE : DownReason.LEFT;
			logger.info("Member down on {}: {} ({})", this.self, node, reason.name().toLowerCase());
			notifyDown(node, reason);
		}
		for (Node node : movedOutOfView) {
			logger.info("Member out of view on {}: {} (still in the cluster)", this.self, node);
			notify(node, (listener) -> listener.memberOutOfView(node));
		}
		List<NodeId> removed = new ArrayList<>();
		for (NodeId member : previousMembers) {
			if (!stillMembers.contains(member) && !reasons.containsKey(member) && !outOfView.test(member)) {
				removed.add(member);
			}
		}
		return new Changes(cameUp, wentDown, reasons, removed, movedOutOfView);
	}

	private void notifyUp(Node node) {
		notify(node, (listener) -> listener.memberUp(node));
	}

	private void notifyDown(Node node, DownReason reason) {
		notify(node, (listener) -> listener.memberDown(node, reason));
	}

	/**
	 * Tells every listener about {@code node}; one that throws does not stop the rest.
	 */
	private void notify(Node node, Consumer<MembershipListener> call) {
		for (MembershipListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Membership listener {} failed on {}", listener, node, ex);
			}
		}
	}

	/**
	 * What an evaluation changed.
	 *
	 * @param cameUp members that came up
	 * @param wentDown members that went down
	 * @param reasons why each of {@code wentDown} went down
	 * @param removed nodes that left the overlay's membership without being up here
	 * (members this node does not connect to, such as another client of a server)
	 * @param movedOutOfView up members that left this node's view but not the cluster
	 * (peer-to-peer: moved to the passive view); not down
	 */
	record Changes(List<Node> cameUp, List<Node> wentDown, Map<NodeId, DownReason> reasons, List<NodeId> removed,
			List<Node> movedOutOfView) {
	}

}
