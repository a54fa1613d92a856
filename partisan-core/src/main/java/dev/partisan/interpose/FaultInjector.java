package dev.partisan.interpose;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>
 * Partitions made with {@link #partition} are handles: {@link #partitions()} lists the
 * ones this node is in, and each heals by itself ({@link Partition#heal()},
 * {@link #heal(String)}) while the others stay.
 */
public final class FaultInjector {

	/**
	 * The name {@link #isolateFrom} registers under; a {@link Partition} registers under
	 * this name, a colon and its id.
	 */
	public static final String PARTITION = "fault:partition";

	private static final AtomicLong PARTITION_IDS = new AtomicLong();

	private final Interposition interposition;

	private final NodeId self;

	private final Runnable crash;

	private final Random random;

	private final LongAdder dropped = new LongAdder();

	private final LongAdder delayed = new LongAdder();

	private final LongAdder corrupted = new LongAdder();

	private final Set<String> names = ConcurrentHashMap.newKeySet();

	/** The partitions this node is in, by id, in the order they were made. */
	private final Map<String, Partition> partitions = Collections.synchronizedMap(new LinkedHashMap<>());

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
	 * Partitions the cluster into two sides that cannot reach each other (heartbeats
	 * included) until the partition is healed: returns its handle. Several partitions may
	 * be in force at once; each heals on its own.
	 */
	public static Partition partition(Collection<FaultInjector> sideA, Collection<FaultInjector> sideB) {
		Set<NodeId> a = sideA.stream().map((f) -> f.self).collect(java.util.stream.Collectors.toSet());
		Set<NodeId> b = sideB.stream().map((f) -> f.self).collect(java.util.stream.Collectors.toSet());
		List<FaultInjector> injectors = new ArrayList<>(sideA);
		injectors.addAll(sideB);
		Partition partition = new Partition("partition-" + PARTITION_IDS.incrementAndGet(), a, b, injectors);
		sideA.forEach((f) -> f.cut(partition, b));
		sideB.forEach((f) -> f.cut(partition, a));
		return partition;
	}

	/**
	 * Ends every partition on the given nodes: those made with {@link #partition} (on all
	 * the nodes each was injected on) and {@link #isolateFrom}.
	 */
	public static void heal(Collection<FaultInjector> nodes) {
		nodes.forEach((f) -> {
			f.partitions().forEach(Partition::heal);
			f.remove(PARTITION);
		});
	}

	/**
	 * The partitions made with {@link #partition} that this node is in and that are not
	 * healed, oldest first (the original's {@code partitions()}).
	 */
	public List<Partition> partitions() {
		synchronized (this.partitions) {
			return List.copyOf(this.partitions.values());
		}
	}

	/** Heals {@code partition} on every node it was injected on. */
	public void heal(Partition partition) {
		partition.heal();
	}

	/**
	 * Heals the partition with this id, if this node is in it, on every node it was
	 * injected on.
	 * @return whether this node was in such a partition
	 */
	public boolean heal(String partitionId) {
		Optional<Partition> found = Optional.ofNullable(this.partitions.get(partitionId));
		found.ifPresent(Partition::heal);
		return found.isPresent();
	}

	private void cut(Partition partition, Set<NodeId> others) {
		this.partitions.put(partition.id(), partition);
		omit(partition.functionName(), null, (event) -> others.contains(event.peer()), 1.0, Long.MAX_VALUE);
	}

	void removePartition(Partition partition) {
		remove(partition.functionName());
		this.partitions.remove(partition.id());
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

	/**
	 * Removes every fault this injector added, its side of any partition included (the
	 * other nodes keep theirs).
	 */
	public void clear() {
		Set.copyOf(this.names).forEach(this::remove);
		this.partitions.clear();
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
