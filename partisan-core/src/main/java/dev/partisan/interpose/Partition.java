package dev.partisan.interpose;

import java.util.List;
import java.util.Set;

import dev.partisan.api.NodeId;

/**
 * A network partition made by {@link FaultInjector#partition}: a handle that names it,
 * says who is on each side, and heals it on every node it was injected on (the Erlang
 * original's {@code inject_partition} reference and {@code resolve_partition}). Equal by
 * id.
 */
public final class Partition {

	private final String id;

	private final Set<NodeId> sideA;

	private final Set<NodeId> sideB;

	private final List<FaultInjector> injectors;

	Partition(String id, Set<NodeId> sideA, Set<NodeId> sideB, List<FaultInjector> injectors) {
		this.id = id;
		this.sideA = Set.copyOf(sideA);
		this.sideB = Set.copyOf(sideB);
		this.injectors = List.copyOf(injectors);
	}

	/** Unique among the partitions made in this JVM, e.g. {@code partition-3}. */
	public String id() {
		return this.id;
	}

	public Set<NodeId> sideA() {
		return this.sideA;
	}

	public Set<NodeId> sideB() {
		return this.sideB;
	}

	/**
	 * Heals this partition on every node it was injected on; other partitions stay.
	 * Idempotent.
	 */
	public void heal() {
		this.injectors.forEach((injector) -> injector.removePartition(this));
	}

	/** The interposition name this partition is registered under on each node. */
	String functionName() {
		return FaultInjector.PARTITION + ":" + this.id;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Partition partition && partition.id.equals(this.id);
	}

	@Override
	public int hashCode() {
		return this.id.hashCode();
	}

	@Override
	public String toString() {
		return this.id + " " + this.sideA + " | " + this.sideB;
	}

}
