package dev.partisan.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.MessageEvent;
import org.jspecify.annotations.Nullable;

/**
 * The traffic that travels directly between two nodes, both ways unless
 * {@link #oneWay()}: the application's messages and replies on every channel, or
 * everything on one channel with {@link #onChannel}. Membership and heartbeats are not
 * touched unless their channel ({@code _control}) is named, so the nodes stay members of
 * each other — unlike a {@link PartisanCluster#partition partition}. Each fault is
 * applied where the message leaves, so a dropped message is never seen by the receiver.
 */
public final class Link {

	private static final AtomicLong IDS = new AtomicLong();

	private final PartisanCluster cluster;

	private final String from;

	private final String to;

	private final boolean bothWays;

	private final @Nullable String channel;

	Link(PartisanCluster cluster, String from, String to, boolean bothWays, @Nullable String channel) {
		this.cluster = cluster;
		this.from = from;
		this.to = to;
		this.bothWays = bothWays;
		this.channel = channel;
	}

	/** Only messages on {@code channel}, of any kind. */
	public Link onChannel(String channel) {
		return new Link(this.cluster, this.from, this.to, this.bothWays, Objects.requireNonNull(channel, "channel"));
	}

	/** Only messages from the first node to the second. */
	public Link oneWay() {
		return new Link(this.cluster, this.from, this.to, false, this.channel);
	}

	/** Loses every matching message until the fault is healed. */
	public Fault drop() {
		return inject("drop",
				(node, name, which) -> node.faults().omit(name, Direction.EGRESS, which, 1.0, Long.MAX_VALUE));
	}

	/**
	 * Holds every matching message for {@code delay} before it leaves; messages of one
	 * lane keep their order.
	 */
	public Fault delay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		return inject("delay " + delay,
				(node, name, which) -> node.faults().delay(name, Direction.EGRESS, which, delay));
	}

	private Fault inject(String what, Injection injection) {
		String name = "partisan-test:link-" + IDS.incrementAndGet();
		LongAdder affected = new LongAdder();
		List<Registration> registrations = new ArrayList<>();
		registrations.add(injection.inject(this.cluster.node(this.from), name, matching(this.to, affected)));
		if (this.bothWays) {
			registrations.add(injection.inject(this.cluster.node(this.to), name, matching(this.from, affected)));
		}
		return new Fault(what + " " + this, registrations, affected);
	}

	/** Matches the link's messages to {@code peer}, counting each one it matches. */
	private Predicate<MessageEvent> matching(String peer, LongAdder affected) {
		NodeId peerId = NodeId.of(peer);
		String onChannel = this.channel;
		return (event) -> {
			boolean matches = event.peer().equals(peerId)
					&& ((onChannel != null) ? event.channel().equals(onChannel) : event.isApplication());
			if (matches) {
				affected.increment();
			}
			return matches;
		};
	}

	@Override
	public String toString() {
		String arrow = this.bothWays ? " <-> " : " -> ";
		return this.from + arrow + this.to + ((this.channel != null) ? " on " + this.channel : "");
	}

	@FunctionalInterface
	private interface Injection {

		Registration inject(ClusterNode node, String name, Predicate<MessageEvent> which);

	}

}
