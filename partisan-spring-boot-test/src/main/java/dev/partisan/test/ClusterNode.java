package dev.partisan.test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.runtime.PartisanNode;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running node of a {@link PartisanCluster}: its Partisan runtime and, for a Spring
 * node, its application context. A crashed or restarted node is a new
 * {@code ClusterNode}; ask the cluster for the current one by name.
 */
public final class ClusterNode {

	/** How long a graceful stop waits for the leave to be acknowledged. */
	private static final long LEAVE_SECONDS = 5;

	private final String name;

	private final PartisanNode partisan;

	private final @Nullable ConfigurableApplicationContext context;

	private final MembershipRecorder recorder;

	ClusterNode(String name, PartisanNode partisan, @Nullable ConfigurableApplicationContext context,
			MembershipRecorder recorder) {
		this.name = name;
		this.partisan = partisan;
		this.context = context;
		this.recorder = recorder;
	}

	public String name() {
		return this.name;
	}

	public NodeId id() {
		return NodeId.of(this.name);
	}

	/** The loopback port the node listens on; the same after a restart. */
	public int port() {
		return this.partisan.localNode().port();
	}

	/** The node's address in the {@code name@host:port} form seeds are written in. */
	public String seed() {
		return this.partisan.localNode().address();
	}

	/** The node's runtime: send, call, register handlers, read members. */
	public PartisanNode partisan() {
		return this.partisan;
	}

	/**
	 * The node's own fault injector, for faults the cluster's methods do not name (a
	 * probability of loss, corruption). Faults added here end with the node.
	 */
	public FaultInjector faults() {
		return this.partisan.faults();
	}

	/**
	 * The node's application context.
	 * @throws IllegalStateException for a plain node, which has none
	 */
	public ConfigurableApplicationContext context() {
		if (this.context == null) {
			throw new IllegalStateException("Node " + this.name + " is a plain node: it has no application context");
		}
		return this.context;
	}

	/** A bean of the node's application context. */
	public <T> T bean(Class<T> type) {
		return context().getBean(type);
	}

	/** The names of the members this node sees up, itself included, sorted. */
	public Set<String> memberNames() {
		Set<String> names = new TreeSet<>();
		for (Node member : this.partisan.members()) {
			names.add(member.name());
		}
		return names;
	}

	/**
	 * Every membership change this node has observed since it started, oldest first.
	 */
	public List<MembershipChange> membershipChanges() {
		return this.recorder.changes();
	}

	MembershipRecorder recorder() {
		return this.recorder;
	}

	/**
	 * Stops abruptly, as a killed process would: no leave is announced and connections
	 * are cut, so the others notice through failure detection. A Spring node's context is
	 * closed afterwards (its leave on shutdown finds the node already closed).
	 */
	void crash() {
		this.partisan.faults().crash();
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * Stops as the application would on shutdown: a Spring node closes its context
	 * (leaving when its overlay and {@code partisan.leave-on-shutdown} say so), a plain
	 * node leaves when its overlay does, then closes.
	 */
	void stop() {
		if (this.context != null) {
			this.context.close();
			return;
		}
		try {
			if (this.partisan.leavesOnShutdown()) {
				this.partisan.leave().get(LEAVE_SECONDS, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			// Closing below stops it either way; the others then see it go down instead.
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		finally {
			this.partisan.close();
		}
	}

	@Override
	public String toString() {
		return seed();
	}

}
