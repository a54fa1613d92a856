package dev.partisan.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.Partition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several Partisan nodes in the test's JVM, on free loopback ports, with the faults of a
 * real network in the test's terms: partition these nodes from those, drop or delay the
 * traffic between two nodes, crash a node and restart it at the same address — and
 * bounded waits for the membership that follows.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * PartisanCluster cluster = PartisanCluster.spring(MyApplication.class).nodes(3).build();
 *
 * &#64;Test
 * void anIsolatedNodeMissesWhatIsSentMeanwhile() {
 *     Partition partition = cluster.isolate("n3");
 *     cluster.await().members("n1", "n1", "n2");
 *     ...
 *     partition.heal();
 *     cluster.await().membership();
 * }
 * </pre>
 *
 * As a JUnit extension it starts before each test and closes after it (an instance
 * field), or once for the class (a static field); outside JUnit, {@link #start()} and
 * {@link #close()} it. Nodes start one at a time in the order they were named, each
 * seeded with those already running.
 */
public final class PartisanCluster
		implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	/** Where each named node is: not started yet, running, or ended. */
	private enum State {

		NEW, RUNNING, CRASHED, STOPPED

	}

	/** A node's place in the cluster, which outlives its incarnations. */
	private static final class Slot {

		final String name;

		int port;

		State state = State.NEW;

		@Nullable ClusterNode node;

		Slot(String name) {
			this.name = name;
		}

	}

	/** Who started the cluster as an extension, and so who closes it. */
	private enum Scope {

		NONE, CLASS, TEST

	}

	private final Map<String, Slot> slots = new LinkedHashMap<>();

	private final NodeLauncher launcher;

	private final Duration awaitTimeout;

	private final boolean awaitMembershipOnStart;

	/** The nodes that may seed others; empty for every running node. */
	private final Set<String> seedNodes;

	private Scope scope = Scope.NONE;

	PartisanCluster(List<String> names, NodeLauncher launcher, Duration awaitTimeout, boolean awaitMembershipOnStart,
			Set<String> seedNodes) {
		names.forEach((name) -> this.slots.put(name, new Slot(name)));
		this.launcher = launcher;
		this.awaitTimeout = awaitTimeout;
		this.awaitMembershipOnStart = awaitMembershipOnStart;
		this.seedNodes = Set.copyOf(seedNodes);
	}

	/**
	 * A cluster of the application's Spring Boot application: {@code sources} are what
	 * the application passes to {@code SpringApplication.run}.
	 */
	public static SpringClusterBuilder spring(Class<?>... sources) {
		return new SpringClusterBuilder(List.of(sources));
	}

	/** A cluster of plain runtimes, without Spring. */
	public static PlainClusterBuilder plain() {
		return new PlainClusterBuilder();
	}

	/**
	 * Starts every named node that is not running, in order, and (unless the builder said
	 * otherwise) waits until every node sees every other.
	 */
	public synchronized PartisanCluster start() {
		for (Slot slot : this.slots.values()) {
			if (slot.state == State.NEW) {
				launch(slot);
			}
		}
		if (this.awaitMembershipOnStart) {
			await().membership();
		}
		return this;
	}

	/**
	 * Starts one more node, or a named one not started yet, seeded with the running
	 * nodes. Returns once it runs, without waiting for membership.
	 */
	public synchronized ClusterNode start(String name) {
		Slot slot = this.slots.get(name);
		if (slot == null) {
			NodeId.of(name);
			slot = new Slot(name);
			this.slots.put(name, slot);
		}
		if (slot.state != State.NEW) {
			throw new IllegalStateException("Node " + name + " is " + describe(slot) + ": restart(\"" + name
					+ "\") brings back a crashed or stopped node");
		}
		return launch(slot);
	}

	/** The running node named {@code name}. */
	public synchronized ClusterNode node(String name) {
		Slot slot = this.slots.get(name);
		if (slot == null) {
			throw new IllegalArgumentException("No node " + name + " in the cluster " + this.slots.keySet());
		}
		ClusterNode node = slot.node;
		if (slot.state != State.RUNNING || node == null) {
			throw new IllegalStateException("Node " + name + " is " + describe(slot));
		}
		return node;
	}

	/** A bean of the running Spring node {@code name}. */
	public <T> T bean(String node, Class<T> type) {
		return node(node).bean(type);
	}

	/** The running nodes, in the order they were named. */
	public synchronized List<ClusterNode> nodes() {
		List<ClusterNode> running = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			if (slot.state == State.RUNNING && slot.node != null) {
				running.add(slot.node);
			}
		}
		return running;
	}

	/** The names of the running nodes, in the order they were named. */
	public List<String> names() {
		return nodes().stream().map(ClusterNode::name).toList();
	}

	/**
	 * Partitions the cluster: nothing passes between a node of {@code sideA} and one of
	 * {@code sideB} (heartbeats and membership included) until the returned partition is
	 * {@link Partition#heal() healed}, so each side soon sees the other down. Several
	 * partitions can be in force; each heals on its own.
	 */
	public Partition partition(Collection<String> sideA, Collection<String> sideB) {
		return FaultInjector.partition(injectors(sideA), injectors(sideB));
	}

	/** Partitions {@code name} from every other running node. */
	public Partition isolate(String name) {
		List<String> others = new ArrayList<>(names());
		if (!others.remove(name)) {
			throw new IllegalStateException("Node " + name + " is not running");
		}
		return partition(List.of(name), others);
	}

	/**
	 * The traffic between {@code from} and {@code to} (both ways, unless
	 * {@link Link#oneWay()}), to drop or delay.
	 */
	public Link between(String from, String to) {
		node(from);
		node(to);
		if (from.equals(to)) {
			throw new IllegalArgumentException("A link joins two different nodes, not " + from + " and itself");
		}
		return new Link(this, from, to, true, null);
	}

	/**
	 * Ends every fault on the running nodes: partitions, link faults and any added
	 * through a node's own fault injector.
	 */
	public void healAll() {
		nodes().forEach((node) -> node.faults().clear());
	}

	/**
	 * Stops {@code name} abruptly, as a killed process would: no leave, connections cut,
	 * so the others see it down ({@code UNREACHABLE}) after the failure timeout.
	 */
	public synchronized void crash(String name) {
		ClusterNode node = node(name);
		Slot slot = Objects.requireNonNull(this.slots.get(name));
		slot.state = State.CRASHED;
		slot.node = null;
		node.crash();
	}

	/**
	 * Stops {@code name} as its application would on shutdown (it leaves, on overlays
	 * that leave), so the others see it down ({@code LEFT}).
	 */
	public synchronized void stop(String name) {
		ClusterNode node = node(name);
		Slot slot = Objects.requireNonNull(this.slots.get(name));
		slot.state = State.STOPPED;
		slot.node = null;
		node.stop();
	}

	/**
	 * Starts a crashed or stopped node again: a new node (and application context) with
	 * the same name and port, seeded with the running nodes. Returns once it runs,
	 * without waiting for membership.
	 */
	public synchronized ClusterNode restart(String name) {
		Slot slot = this.slots.get(name);
		if (slot == null || slot.state == State.NEW || slot.state == State.RUNNING) {
			throw new IllegalStateException("Node " + name + " is "
					+ ((slot == null) ? "not in the cluster" : describe(slot)) + ": only an ended node restarts");
		}
		return launch(slot);
	}

	/** Waits, for at most the builder's await timeout. */
	public ClusterAwait await() {
		return new ClusterAwait(this, this.awaitTimeout);
	}

	/** Waits, for at most {@code timeout}. */
	public ClusterAwait await(Duration timeout) {
		return new ClusterAwait(this, timeout);
	}

	/**
	 * Heals every fault, then stops the running nodes gracefully, the last started first.
	 */
	@Override
	public synchronized void close() {
		healAll();
		List<Slot> running = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			if (slot.state == State.RUNNING) {
				running.add(0, slot);
			}
		}
		RuntimeException failure = null;
		for (Slot slot : running) {
			try {
				stop(slot.name);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
		this.scope = Scope.CLASS;
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.scope == Scope.CLASS) {
			this.scope = Scope.NONE;
			close();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.scope == Scope.NONE) {
			start();
			this.scope = Scope.TEST;
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.scope == Scope.TEST) {
			this.scope = Scope.NONE;
			close();
		}
	}

	/** Whether every running node sees exactly the running nodes. */
	synchronized boolean converged() {
		List<String> names = names();
		for (ClusterNode node : nodes()) {
			if (!node.memberNames().equals(new TreeSet<>(names))) {
				return false;
			}
		}
		return true;
	}

	/** What each node sees, for failure messages: {@code n1=[n1, n2], n3 crashed}. */
	synchronized String describeMembership() {
		StringJoiner all = new StringJoiner(", ");
		for (Slot slot : this.slots.values()) {
			ClusterNode node = slot.node;
			if (slot.state == State.RUNNING && node != null) {
				all.add(slot.name + "=" + node.memberNames());
			}
			else {
				all.add(slot.name + " " + describe(slot));
			}
		}
		return all.toString();
	}

	private ClusterNode launch(Slot slot) {
		List<Node> seeds = new ArrayList<>();
		for (ClusterNode running : nodes()) {
			if (this.seedNodes.isEmpty() || this.seedNodes.contains(running.name())) {
				seeds.add(running.partisan().localNode());
			}
		}
		if (slot.port == 0) {
			// Chosen at the first start only: a restart comes back at the same address.
			slot.port = LoopbackPorts.next();
		}
		ClusterNode node = this.launcher.launch(slot.name, slot.port, seeds);
		slot.node = node;
		slot.state = State.RUNNING;
		return node;
	}

	private List<FaultInjector> injectors(Collection<String> names) {
		if (names.isEmpty()) {
			throw new IllegalArgumentException("Each side of a partition needs a node");
		}
		return names.stream().map((name) -> node(name).faults()).toList();
	}

	private static String describe(Slot slot) {
		return switch (slot.state) {
			case NEW -> "not started";
			case RUNNING -> "running";
			case CRASHED -> "crashed";
			case STOPPED -> "stopped";
		};
	}

}
