package dev.partisan.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;

/**
 * What one overlay sees of its node, reduced to records: whom it connects to, what it
 * sends, what it delivers. Sends complete at once, and a task scheduled without delay
 * runs at once (the overlay's thread is the test's); periodic tasks never run, so nothing
 * happens that the test did not ask for. Public for the overlays of other packages (the
 * pub-sub overlay's announcements are recorded too).
 */
public final class FakeOverlayContext implements OverlayContext {

	/** One control message the overlay sent. */
	record Sent(NodeId peer, ControlMessage message) {
	}

	private final Node local;

	final Set<NodeId> connected = new LinkedHashSet<>();

	final List<Sent> sent = new ArrayList<>();

	final List<String> delivered = new ArrayList<>();

	int membersChanged;

	private final Random random = new Random(1);

	/** What the overlay announced or published to every node, in order. */
	public final List<ControlMessage> announced = new ArrayList<>();

	/**
	 * What {@link #epochNow()} answers: the wall clock when made, unless a test sets it.
	 */
	public long epochNow = System.currentTimeMillis() * 1000;

	public FakeOverlayContext(Node local) {
		this.local = local;
	}

	@Override
	public long epochNow() {
		return this.epochNow;
	}

	@Override
	public void announce(ControlMessage message) {
		this.announced.add(message);
	}

	@Override
	public void publish(ControlMessage message) {
		this.announced.add(message);
	}

	@Override
	public Node localNode() {
		return this.local;
	}

	@Override
	public long incarnation() {
		return 1;
	}

	@Override
	public List<Node> seeds() {
		return List.of();
	}

	@Override
	public void connect(Node peer) {
		this.connected.add(peer.id());
	}

	@Override
	public void disconnect(NodeId peer) {
		this.connected.remove(peer);
	}

	@Override
	public boolean isConnected(NodeId peer) {
		return this.connected.contains(peer);
	}

	@Override
	public CompletableFuture<Void> send(NodeId peer, ControlMessage message) {
		this.sent.add(new Sent(peer, message));
		return CompletableFuture.completedFuture(null);
	}

	/** The messages sent to {@code peer}, in order. */
	List<ControlMessage> sentTo(NodeId peer) {
		return this.sent.stream().filter((s) -> s.peer().equals(peer)).map(Sent::message).toList();
	}

	@Override
	public void membersChanged() {
		this.membersChanged++;
	}

	/** The periodic tasks, which run only when a test says so. */
	private final List<Runnable> periodic = new ArrayList<>();

	@Override
	public void schedule(Duration period, Runnable task) {
		this.periodic.add(task);
	}

	/** Runs every periodic task once, as if one period passed. */
	public void runScheduled() {
		List.copyOf(this.periodic).forEach(Runnable::run);
	}

	@Override
	public void scheduleOnce(Duration delay, Runnable task) {
		if (delay.isZero()) {
			task.run();
		}
	}

	@Override
	public void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload) {
		this.delivered.add(origin.name() + ":" + handler);
	}

	@Override
	public Random random() {
		return this.random;
	}

}
