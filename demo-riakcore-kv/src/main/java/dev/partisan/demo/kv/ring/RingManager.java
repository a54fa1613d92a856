package dev.partisan.demo.kv.ring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.PartisanException;
import dev.partisan.api.Registration;
import dev.partisan.demo.kv.Channels;
import dev.partisan.demo.kv.KvProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's view of the ring, kept in step with the cluster's members.
 *
 * <p>
 * One member claims: the one with the lowest name among those up. When the members it
 * sees differ from the ring's owners, it computes a new ring with {@link Claim} and a
 * higher version. Every member sends its ring to the others on the {@code gossip} channel
 * each {@code kv.gossip-interval} and at once after a change, and takes any newer ring it
 * receives; so a ring made anywhere reaches everyone, and a member that missed a message
 * catches up on the next round.
 *
 * <p>
 * A node that stops gracefully does not wait to be noticed: it makes the ring without
 * itself, sends it, and its listeners hand its partitions over before the node leaves.
 */
@Component
public class RingManager implements SmartLifecycle {

	/** The handler that receives gossiped rings. */
	public static final String HANDLER = "ring";

	/** The handler told that a node is leaving the ring. */
	public static final String LEAVING = "ring-leaving";

	/**
	 * How long a leaving node is kept out of claims (it is down for good well before).
	 */
	private static final Duration LEAVING_GRACE = Duration.ofSeconds(30);

	private final Map<String, Long> leaving = new ConcurrentHashMap<>();

	/** The lifecycle phase of the demo's background work: see {@link #getPhase()}. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Logger logger = LoggerFactory.getLogger(RingManager.class);

	private final Partisan partisan;

	private final KvProperties properties;

	private final List<RingListener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicReference<@Nullable Ring> ring = new AtomicReference<>();

	private @Nullable ScheduledExecutorService scheduler;

	private @Nullable Registration membership;

	private volatile boolean running;

	public RingManager(Partisan partisan, KvProperties properties) {
		this.partisan = partisan;
		this.properties = properties;
	}

	public String self() {
		return this.partisan.localNode().name();
	}

	public Ring current() {
		Ring current = this.ring.get();
		return (current != null) ? current : Ring.solo(self(), this.properties.partitions());
	}

	public void addListener(RingListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Takes {@code offered} when it is newer than the ring this node has; returns whether
	 * it did.
	 */
	public boolean offer(Ring offered) {
		if (offered.size() != this.properties.partitions()) {
			logger.warn("Ignoring a ring of {} partitions from {}: this node has kv.partitions={}", offered.size(),
					offered.claimant(), this.properties.partitions());
			return false;
		}
		Ring previous;
		do {
			previous = this.ring.get();
			if (previous != null && !offered.isNewerThan(previous)) {
				return false;
			}
		}
		while (!this.ring.compareAndSet(previous, offered));
		logger.info("Ring version {} from {}: {}", offered.version(), offered.claimant(), summary(offered));
		notifyListeners(offered);
		return true;
	}

	/**
	 * Claims if this node is the claimant and the members changed, then gossips; runs
	 * every round.
	 */
	void round() {
		try {
			Set<String> members = upMembers();
			Ring current = current();
			if (self().equals(members.iterator().next()) && !current.members().equals(members)) {
				offer(new Ring(current.version() + 1, self(),
						Claim.claim(current.owners(), members, this.properties.replicas())));
			}
			Ring now = current();
			notifyListeners(now);
			gossip(now);
		}
		catch (RuntimeException ex) {
			logger.warn("Ring round failed ({}); the next round retries", ex.toString());
		}
	}

	private void gossip(Ring ring) {
		for (Node member : this.partisan.members()) {
			if (!member.name().equals(self())) {
				try {
					// Only the newest ring matters: with a monotonic gossip channel a
					// newer one replaces an unsent one.
					this.partisan.forward(member.id(), HANDLER, ring,
							ForwardOptions.channel(Channels.GOSSIP).partitionKey(HANDLER));
				}
				catch (PartisanException ex) {
					logger.debug("Could not gossip the ring to {}: {}", member.name(), ex.getMessage());
				}
			}
		}
	}

	private void notifyListeners(Ring ring) {
		for (RingListener listener : this.listeners) {
			try {
				listener.ring(ring);
			}
			catch (RuntimeException ex) {
				logger.warn("A ring listener failed", ex);
			}
		}
	}

	/**
	 * The members a ring is claimed among: those Partisan has up, less those that said
	 * they are leaving.
	 */
	private Set<String> upMembers() {
		Set<String> names = new TreeSet<>();
		long now = System.nanoTime();
		this.leaving.values().removeIf((until) -> now - until > 0);
		this.partisan.members().forEach((m) -> names.add(m.name()));
		names.removeAll(this.leaving.keySet());
		names.add(self());
		return names;
	}

	private static String summary(Ring ring) {
		StringBuilder text = new StringBuilder();
		ring.ownership()
			.forEach((node, partitions) -> text.append(node).append('=').append(partitions.size()).append(' '));
		return text.toString().trim();
	}

	@Override
	public void start() {
		this.ring.compareAndSet(null, Ring.solo(self(), this.properties.partitions()));
		this.partisan.register(HANDLER, Ring.class, (offered, meta) -> offer(offered));
		// A stopping node is still up in Partisan until it has handed its partitions
		// over; without this, the
		// claimant would give it partitions back in the meantime.
		this.partisan.register(LEAVING, String.class,
				(node, meta) -> this.leaving.put(node, System.nanoTime() + LEAVING_GRACE.toNanos()));
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "kv-ring-" + self());
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = executor;
		long interval = this.properties.gossipInterval().toMillis();
		executor.scheduleWithFixedDelay(this::round, 0, interval, TimeUnit.MILLISECONDS);
		// A change of members is acted on at once rather than at the next round.
		this.membership = this.partisan.addMembershipListener(new MembershipListener() {
			@Override
			public void memberUp(Node node) {
				// A node that left and came back (restarted) is a member again.
				RingManager.this.leaving.remove(node.name());
				executor.execute(RingManager.this::round);
			}

			@Override
			public void memberDown(Node node) {
				executor.execute(RingManager.this::round);
			}
		});
		this.running = true;
	}

	/**
	 * Leaves the ring: the ring without this node goes to the others and to the
	 * listeners, which hand the partitions over and wait for them to arrive
	 * ({@link RingListener#left()}) before the Partisan node stops. (Waiting here rather
	 * than in the listeners' own lifecycle: Spring stops the beans that depend on this
	 * one before it, whatever their phase.)
	 */
	@Override
	public void stop() {
		this.running = false;
		if (this.membership != null) {
			this.membership.remove();
		}
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(this.properties.handoffTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			Set<String> others = upMembers();
			others.remove(self());
			for (String other : others) {
				this.partisan.forward(NodeId.of(other), LEAVING, self(), ForwardOptions.channel(Channels.GOSSIP));
			}
			Ring current = current();
			if (this.properties.handoffOnStop() && !others.isEmpty() && current.members().contains(self())) {
				Ring without = new Ring(current.version() + 1, others.iterator().next(),
						Claim.claim(current.owners(), others, this.properties.replicas()));
				gossip(without);
				offer(without);
				this.listeners.forEach(RingListener::left);
			}
			this.partisan.unregister(HANDLER);
			this.partisan.unregister(LEAVING);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not leave the ring gracefully ({}); the others will notice this node is down",
					ex.toString());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Starts after the Partisan node (phase {@code DEFAULT_PHASE - 2048}) and before the
	 * web server ({@code DEFAULT_PHASE - 1024}); stops after the web server, so no
	 * request is in flight, and before the Partisan node, so the handoff can still be
	 * sent.
	 */
	@Override
	public int getPhase() {
		return PHASE;
	}

}
