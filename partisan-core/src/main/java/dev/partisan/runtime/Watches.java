package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import dev.partisan.api.RemoteHandlerException;
import dev.partisan.membership.Overlay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-node watches (the Erlang original's {@code on_down} and {@code monitor_node}): each
 * fires once, on the control thread, when its node is detected down or leaves. A member
 * this node is connected to is watched through the {@link MemberTracker}; any other node
 * (another client of the same server, a peer outside the active view) is probed: a
 * {@linkplain #PROBE probe} call through the overlay's route every heartbeat, the watch
 * firing when one gets no answer within the failure timeout, or when the node leaves the
 * overlay's membership. Either way the reason is {@code LEFT} when the overlay knows the
 * node left or was removed ({@link Overlay#departed}), which it learns from the
 * membership's own news (a client from its server's gossip, a peer from the flooded
 * LEAVE), so a watch of a node that leaves fires {@code LEFT} wherever the watcher is.
 * Control thread only.
 */
final class Watches {

	private static final Logger logger = LoggerFactory.getLogger(Watches.class);

	/**
	 * The request handler every node answers probes on. Reserved: an application cannot
	 * register a handler of this name.
	 */
	static final String PROBE = "partisan.watch-probe";

	private static final class Watch implements Registration {

		private final NodeId node;

		private final Consumer<DownReason> onDown;

		private final AtomicBoolean done = new AtomicBoolean();

		Watch(NodeId node, Consumer<DownReason> onDown) {
			this.node = node;
			this.onDown = onDown;
		}

		@Override
		public void remove() {
			this.done.set(true);
		}

	}

	private final NodeId self;

	private final MemberTracker tracker;

	private final Function<NodeId, CompletableFuture<?>> probe;

	private final List<Watch> watches = new ArrayList<>();

	private final Set<NodeId> probing = new HashSet<>();

	/**
	 * @param probe makes one probe call to a node, failing when it gets no answer within
	 * the failure timeout
	 */
	Watches(NodeId self, MemberTracker tracker, Function<NodeId, CompletableFuture<?>> probe) {
		this.self = self;
		this.tracker = tracker;
		this.probe = probe;
	}

	/** A watch, not yet added: the caller adds it on the control thread. */
	static Registration create(NodeId node, Consumer<DownReason> onDown) {
		return new Watch(node, onDown);
	}

	/**
	 * Adds a watch made by {@link #create}: it fires at once when its node is known down
	 * with no other route to it, or is neither up, nor a member, nor out of view (in the
	 * cluster, not connected), nor reachable through one.
	 */
	void add(Registration registration, Overlay overlay) {
		Watch watch = (Watch) registration;
		if (this.tracker.up().containsKey(watch.node)) {
			this.watches.add(watch);
			return;
		}
		if (overlay.departed(watch.node)) {
			fire(watch, DownReason.LEFT);
			return;
		}
		boolean routed = overlay.nextHop(watch.node) != null;
		DownReason known = this.tracker.downReason(watch.node);
		if (known != null && !routed) {
			fire(watch, known);
		}
		else if (routed || this.tracker.members().contains(watch.node) || overlay.outOfView(watch.node)) {
			this.watches.add(watch);
		}
		else {
			fire(watch, DownReason.UNREACHABLE);
		}
	}

	/**
	 * Fires the watches of the nodes that went down or left the membership, and of the
	 * nodes not up here that the overlay now knows departed.
	 */
	void changed(MemberTracker.Changes changes, Overlay overlay) {
		if (this.watches.isEmpty()) {
			return;
		}
		for (Node down : changes.wentDown()) {
			DownReason reason = changes.reasons().getOrDefault(down.id(), DownReason.UNREACHABLE);
			fireAll(down.id(), reason);
		}
		changes.removed().forEach((node) -> fireAll(node, DownReason.LEFT));
		Set<NodeId> departed = new HashSet<>();
		for (Watch watch : this.watches) {
			if (!this.tracker.up().containsKey(watch.node) && overlay.departed(watch.node)) {
				departed.add(watch.node);
			}
		}
		departed.forEach((node) -> fireAll(node, DownReason.LEFT));
	}

	/**
	 * Probes each watched node that is not up here, one probe in flight per node
	 * (heartbeat).
	 */
	void probe(ControlLoop loop, Overlay overlay) {
		this.watches.removeIf((watch) -> watch.done.get());
		Set<NodeId> targets = new HashSet<>();
		for (Watch watch : this.watches) {
			if (!this.tracker.up().containsKey(watch.node)) {
				targets.add(watch.node);
			}
		}
		for (NodeId target : targets) {
			if (!this.probing.add(target)) {
				continue;
			}
			CompletableFuture<?> answer;
			try {
				answer = this.probe.apply(target);
			}
			catch (RuntimeException ex) {
				answer = CompletableFuture.failedFuture(ex);
			}
			answer.whenComplete((reply, error) -> loop.execute(() -> {
				this.probing.remove(target);
				Throwable cause = (error != null) ? ControlLoop.unwrap(error) : null;
				if (cause != null && !(cause instanceof RemoteHandlerException)) {
					logger.info("Watched node {} did not answer a probe from {}: {}", target, this.self,
							cause.getMessage());
					DownReason known = overlay.departed(target) ? DownReason.LEFT : this.tracker.downReason(target);
					fireAll(target, (known != null) ? known : DownReason.UNREACHABLE);
				}
			}));
		}
	}

	private void fireAll(NodeId node, DownReason reason) {
		List<Watch> due = new ArrayList<>();
		this.watches.removeIf((watch) -> {
			if (watch.node.equals(node) || watch.done.get()) {
				if (watch.node.equals(node)) {
					due.add(watch);
				}
				return true;
			}
			return false;
		});
		due.forEach((watch) -> fire(watch, reason));
	}

	private void fire(Watch watch, DownReason reason) {
		if (!watch.done.compareAndSet(false, true)) {
			return;
		}
		try {
			watch.onDown.accept(reason);
		}
		catch (RuntimeException ex) {
			logger.warn("Watch of {} on {} failed", watch.node, this.self, ex);
		}
	}

}
