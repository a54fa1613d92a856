package dev.partisan.interpose;

import java.time.Duration;
import java.util.Collection;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;

/**
 * Faults for one node, from plain JUnit or Spring tests, built on its
 * {@link Interposition}: omission (by any predicate, with a probability and an optional
 * count), ingress or egress delay, a network partition between groups of nodes and its
 * healing, payload corruption (bit flips), and crash. Every fault is a named
 * interposition function; removing it (or {@link #clear()}) ends it. Random choices use
 * one seeded source, so a schedule can be repeated.
 */
public final class FaultInjector {

	/** The name a partition is registered under on each node. */
	public static final String PARTITION = "fault:partition";

	private final Interposition interposition;

	private final NodeId self;

	private final Runnable crash;

	private final Random random;

	private final LongAdder dropped = new LongAdder();

	private final LongAdder delayed = new LongAdder();

	private final LongAdder corrupted = new LongAdder();

	private final Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/**
	 * @param interposition the node's pipeline
	 * @param self the node's id
	 * @param crash stops the node abruptly
	 * @param seed the seed of every random choice
	 */
	public FaultInjector(Interposition interposition, NodeId self, Runnable crash, long seed) {
		this.interposition = interposition;
		this.self = self;
		this.crash = crash;
		this.random = new Random(seed);
	}

	/** Matches every message. */
	public static Predicate<MessageEvent> all() {
		return (event) -> true;
	}

	/**
	 * Matches application messages (handler messages and replies) to or from
	 * {@code peer}.
	 */
	public static Predicate<MessageEvent> applicationWith(NodeId peer) {
		return (event) -> event.isApplication() && event.peer().equals(peer);
	}

	/** Matches messages on {@code channel}. */
	public static Predicate<MessageEvent> onChannel(String channel) {
		return (event) -> event.channel().equals(channel);
	}

	/**
	 * Drops matching messages in {@code direction} (both when {@code null}) with
	 * {@code probability}, at most {@code maxCount} of them ({@code Long.MAX_VALUE} for
	 * no limit).
	 */
	public Registration omit(String name, @org.jspecify.annotations.Nullable Direction direction,
			Predicate<MessageEvent> which, double probability, long maxCount) {
		AtomicLong left = new AtomicLong(maxCount);
		Interposer omission = (event, payload) -> {
			if (which.test(event) && chance(probability) && left.getAndDecrement() > 0) {
				this.dropped.increment();
				return Verdict.DROP;
			}
			return Verdict.PASS;
		};
		return both(name, direction, omission);
	}

	/** Holds matching messages in {@code direction} for {@code delay}. */
	public Registration delay(String name, Direction direction, Predicate<MessageEvent> which, Duration delay) {
		return register(name, direction, (event, payload) -> {
			if (which.test(event)) {
				this.delayed.increment();
				return Verdict.delay(delay);
			}
			return Verdict.PASS;
		});
	}

	/**
	 * Flips one random bit in the payload of matching messages with {@code probability}.
	 */
	public Registration corrupt(String name, Direction direction, Predicate<MessageEvent> which, double probability) {
		return register(name, direction, (event, payload) -> {
			if (which.test(event) && payload.readableBytes() > 0 && chance(probability)) {
				int index;
				int bit;
				synchronized (this.random) {
					index = payload.readerIndex() + this.random.nextInt(payload.readableBytes());
					bit = this.random.nextInt(8);
				}
				payload.setByte(index, payload.getByte(index) ^ (1 << bit));
				this.corrupted.increment();
			}
			return Verdict.PASS;
		});
	}

	/**
	 * Cuts this node off from {@code others}: nothing passes either way, heartbeats
	 * included.
	 */
	public Registration isolateFrom(Collection<NodeId> others) {
		Set<NodeId> cut = Set.copyOf(others);
		return omit(PARTITION, null, (event) -> cut.contains(event.peer()), 1.0, Long.MAX_VALUE);
	}

	/**
	 * Partitions the cluster into two sides that cannot reach each other until
	 * {@link #heal}.
	 */
	public static void partition(Collection<FaultInjector> sideA, Collection<FaultInjector> sideB) {
		Set<NodeId> a = sideA.stream().map((f) -> f.self).collect(java.util.stream.Collectors.toSet());
		Set<NodeId> b = sideB.stream().map((f) -> f.self).collect(java.util.stream.Collectors.toSet());
		sideA.forEach((f) -> f.isolateFrom(b));
		sideB.forEach((f) -> f.isolateFrom(a));
	}

	/** Ends a partition on every given node. */
	public static void heal(Collection<FaultInjector> nodes) {
		nodes.forEach((f) -> f.remove(PARTITION));
	}

	/** Stops the node abruptly, as a crash would: no leave, connections cut. */
	public void crash() {
		this.crash.run();
	}

	public void remove(String name) {
		this.interposition.remove(name);
		this.interposition.remove(name + ":in");
		this.interposition.remove(name + ":out");
		this.names.remove(name);
	}

	/** Removes every fault this injector added. */
	public void clear() {
		Set.copyOf(this.names).forEach(this::remove);
	}

	public long dropped() {
		return this.dropped.sum();
	}

	public long delayed() {
		return this.delayed.sum();
	}

	public long corrupted() {
		return this.corrupted.sum();
	}

	private boolean chance(double probability) {
		if (probability >= 1.0) {
			return true;
		}
		synchronized (this.random) {
			return this.random.nextDouble() < probability;
		}
	}

	private Registration register(String name, Direction direction, Interposer interposer) {
		this.interposition.interpose(name, direction, interposer);
		this.names.add(name);
		return () -> remove(name);
	}

	private Registration both(String name, @org.jspecify.annotations.Nullable Direction direction,
			Interposer interposer) {
		if (direction != null) {
			return register(name, direction, interposer);
		}
		this.interposition.interpose(name + ":in", Direction.INGRESS, interposer);
		this.interposition.interpose(name + ":out", Direction.EGRESS, interposer);
		this.names.add(name);
		return () -> remove(name);
	}

}
