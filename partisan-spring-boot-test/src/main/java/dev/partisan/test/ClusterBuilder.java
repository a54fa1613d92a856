package dev.partisan.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.partisan.api.NodeId;

/**
 * What both kinds of cluster are built from: the nodes' names and how long waits last.
 *
 * @param <B> the concrete builder, returned by each setter
 */
public abstract class ClusterBuilder<B extends ClusterBuilder<B>> {

	/** Long enough for a loaded build machine; a wait returns as soon as it is met. */
	static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(30);

	final List<String> names = new ArrayList<>();

	Duration awaitTimeout = DEFAULT_AWAIT_TIMEOUT;

	boolean awaitMembershipOnStart = true;

	final Set<String> seedNodes = new LinkedHashSet<>();

	ClusterBuilder() {
	}

	/** Adds nodes with these names, started in this order. */
	public B nodes(String... names) {
		for (String name : names) {
			add(name);
		}
		return self();
	}

	/** Adds {@code count} nodes named {@code n1}, {@code n2}, and so on. */
	public B nodes(int count) {
		if (count < 1) {
			throw new IllegalArgumentException("A cluster needs at least one node, not " + count);
		}
		for (int i = 1; i <= count; i++) {
			add("n" + i);
		}
		return self();
	}

	/**
	 * How long {@link PartisanCluster#await()} waits before it fails; 30 seconds unless
	 * set.
	 */
	public B awaitTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The await timeout must be positive, not " + timeout);
		}
		this.awaitTimeout = timeout;
		return self();
	}

	/**
	 * Whether {@link PartisanCluster#start()} returns only once every node sees every
	 * other (the default), or at once.
	 */
	public B awaitMembershipOnStart(boolean await) {
		this.awaitMembershipOnStart = await;
		return self();
	}

	/**
	 * Seeds each starting node with only these of the running nodes (the servers of a
	 * client-server cluster) instead of all of them.
	 */
	public B seedsFrom(String... names) {
		this.seedNodes.addAll(List.of(names));
		return self();
	}

	/** The cluster, not started: register it as an extension, or call its start. */
	public PartisanCluster build() {
		if (this.names.isEmpty()) {
			throw new IllegalStateException("Name the cluster's nodes first: nodes(\"n1\", \"n2\") or nodes(3)");
		}
		return new PartisanCluster(this.names, launcher(), this.awaitTimeout, this.awaitMembershipOnStart,
				this.seedNodes);
	}

	void add(String name) {
		NodeId.of(name);
		if (this.names.contains(name)) {
			throw new IllegalArgumentException("Node " + name + " is already in the cluster");
		}
		this.names.add(name);
	}

	abstract NodeLauncher launcher();

	abstract B self();

}
