package dev.partisan.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.Calls;
import dev.partisan.pipeline.ControlFrames;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.transport.Transport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's control thread: it runs the overlay (so overlays need no locks), sends
 * heartbeats, evaluates which members are up or down, and retransmits overdue
 * acknowledged messages. Everything else reaches the overlay by submitting a task here.
 */
final class ControlLoop {

	private static final Logger logger = LoggerFactory.getLogger(ControlLoop.class);

	/** What the loop drives once the node has started. */
	record Parts(Transport transport, Overlay overlay, OutboundPath outbound, ControlFrames frames) {
	}

	private final String node;

	private final ScheduledExecutorService executor;

	private final MemberTracker tracker;

	private final Calls calls;

	private final long failureTimeoutNanos;

	private volatile @Nullable Parts parts;

	private volatile @Nullable Watches watches;

	ControlLoop(NodeId node, MemberTracker tracker, Calls calls, Duration failureTimeout) {
		this.node = node.toString();
		this.tracker = tracker;
		this.calls = calls;
		this.failureTimeoutNanos = failureTimeout.toNanos();
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-" + node.name() + "-control");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** The executor, for the transport's periodic work (which must not block). */
	ScheduledExecutorService executor() {
		return this.executor;
	}

	/** The per-node watches to fire on changes and probe at each heartbeat. */
	void useWatches(Watches nodeWatches) {
		this.watches = nodeWatches;
	}

	/**
	 * Adds a watch made by {@link Watches#create} (queued to the control thread); dropped
	 * once the node is closed.
	 */
	void addWatch(dev.partisan.api.Registration watch) {
		execute(() -> {
			Parts current = this.parts;
			Watches nodeWatches = this.watches;
			if (current != null && nodeWatches != null) {
				nodeWatches.add(watch, current.overlay());
			}
		});
	}

	/** From now on the loop drives these (the overlay starts on this thread next). */
	void drive(Parts started) {
		this.parts = started;
	}

	/** Starts the periodic heartbeats and retransmission. */
	void startTimers(Duration heartbeatInterval, Runnable retransmission, Duration retransmitPeriod) {
		schedule(heartbeatInterval, this::heartbeat);
		schedule(retransmitPeriod, retransmission);
	}

	/** Stops driving the overlay; later evaluations do nothing. */
	void stopDriving() {
		this.parts = null;
	}

	void shutdown() {
		this.parts = null;
		this.executor.shutdownNow();
	}

	/**
	 * Runs {@code task} on the control thread; dropped quietly once the node is closed.
	 */
	void execute(Runnable task) {
		try {
			this.executor.execute(guard(task));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Node {} is closed; control task dropped", this.node);
		}
	}

	/**
	 * Runs {@code call} on the control thread and completes with what it completes with.
	 */
	<T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.executor.execute(() -> {
				try {
					call.get().whenComplete((value, error) -> {
						if (error != null) {
							result.completeExceptionally(unwrap(error));
						}
						else {
							result.complete(value);
						}
					});
				}
				catch (RuntimeException ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(new PartisanException("Node " + this.node + " is closed"));
		}
		return result;
	}

	void schedule(Duration period, Runnable task) {
		this.executor.scheduleWithFixedDelay(guard(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	void scheduleOnce(Duration delay, Runnable task) {
		this.executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Joins {@code seed} through {@code overlay}; completes once the seed is up. */
	CompletableFuture<Void> join(Overlay overlay, Node seed) {
		return call(() -> overlay.join(seed)).thenCompose((v) -> call(() -> {
			evaluate();
			return this.tracker.awaitUp(seed.id());
		}));
	}

	/**
	 * A control message from {@code from} for the overlay (queued to the control thread).
	 */
	void onControlMessage(NodeId from, ControlMessage message) {
		execute(() -> {
			Parts current = this.parts;
			if (current != null) {
				current.overlay().onControlMessage(from, message);
				evaluate();
			}
		});
	}

	/**
	 * The control lane to {@code peer} could not connect (queued to the control thread).
	 */
	void onPeerUnreachable(NodeId peer, Throwable cause) {
		execute(() -> {
			Parts current = this.parts;
			if (current != null) {
				current.overlay().onPeerUnreachable(peer, cause);
				evaluate();
			}
		});
	}

	/**
	 * The up member that goes by {@code dialler}'s name at another address, or
	 * {@code null}: a second node with a taken name, refused so the member stays as it
	 * is. The same address is the same node restarted. Any thread (reads the up
	 * snapshot).
	 */
	@Nullable Node liveNamesake(Node dialler) {
		Node member = this.tracker.up().get(dialler.id());
		return (member != null && !member.address().equals(dialler.address())) ? member : null;
	}

	/** Recomputes up/down members (control thread). */
	void evaluate() {
		Parts current = this.parts;
		if (current == null) {
			return;
		}
		Transport transport = current.transport();
		Overlay overlay = current.overlay();
		MemberTracker.Changes changes = this.tracker.evaluate(overlay.members(),
				(id) -> transport.isControlConnected(id) && transport.silenceNanos(id) < this.failureTimeoutNanos,
				overlay::outOfView);
		changes.cameUp().forEach(overlay::onPeerUp);
		changes.wentDown().forEach((down) -> {
			this.calls.failCallsTo(down.id());
			overlay.onPeerDown(down);
		});
		Watches nodeWatches = this.watches;
		if (nodeWatches != null) {
			nodeWatches.changed(changes, overlay);
		}
	}

	private void heartbeat() {
		Parts current = this.parts;
		if (current == null) {
			return;
		}
		Transport transport = current.transport();
		for (NodeId peer : transport.needsHeartbeats() ? transport.peers() : Set.<NodeId>of()) {
			if (transport.isControlConnected(peer)) {
				try {
					current.outbound().send(current.frames().heartbeat(peer));
				}
				catch (PartisanException ex) {
					logger.debug("Heartbeat to {} not queued: {}", peer, ex.getMessage());
				}
			}
		}
		evaluate();
		Watches nodeWatches = this.watches;
		if (nodeWatches != null) {
			nodeWatches.probe(this, current.overlay());
		}
	}

	private Runnable guard(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Control task failed on node {}", this.node, ex);
			}
		};
	}

	static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
