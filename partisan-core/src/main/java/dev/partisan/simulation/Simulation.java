package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.membership.OverlayContext;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs overlays on a simulated network. Every node has its own {@link OverlayContext}; a
 * message takes the configured latency plus up to as much again of seeded jitter. Events
 * run one at a time in time order (ties in the order they were scheduled), so a seed
 * gives the same run.
 *
 * <p>
 * Each node decides which members are up as the runtime's member tracker does: a member
 * is up while this node keeps a connection to it and has not lost contact; a member that
 * goes down is reported {@code UNREACHABLE} when it is still in the overlay's members,
 * out of view (a {@link MemberEvent} without a reason) when it is not but the overlay
 * says it is {@link Overlay#outOfView out of view}, and {@code LEFT} otherwise; and the
 * overlay hears {@code onPeerUp} / {@code onPeerDown} for each change. Every such report
 * is recorded ({@link #memberEvents()}).
 *
 * <p>
 * Faults, as a real node would see them:
 * <ul>
 * <li>{@link #crash}: the node receives and sends nothing more; each node connected to it
 * loses contact after the detection delay (its member goes down, and a redial fails:
 * {@code onPeerUnreachable}).</li>
 * <li>{@link #restart}: a crashed node comes back under the same name with a fresh
 * overlay and a larger incarnation; nodes still connected to its name reach the new
 * instance one latency later, as a transport redialling would.</li>
 * <li>{@link #partition} / {@link #heal}: messages between the two sides are dropped
 * (those in flight too), except those sent over a connection that is still up, which
 * arrive after a heal that comes before the connection is declared lost, as TCP's would;
 * each side loses contact with the other after the detection delay, as a silent peer is
 * detected; after a heal, contact comes back one latency later.</li>
 * <li>A connection opened to a node that is down or across a partition fails: no contact,
 * and {@code onPeerUnreachable} one latency later.</li>
 * <li>An announcement ({@link OverlayContext#announce}, {@link OverlayContext#publish}:
 * the pub-sub overlay's, through a broker) reaches every other node one latency later,
 * each at its own jitter, so two nodes' announcements may arrive in either order; one to
 * a node across a partition waits for the heal, as it would in that node's queue on the
 * broker.</li>
 * </ul>
 */
public final class Simulation {

	private record Event(long time, long seq, Runnable action) implements Comparable<Event> {

		@Override
		public int compareTo(Event other) {
			int byTime = Long.compare(this.time, other.time);
			return (byTime != 0) ? byTime : Long.compare(this.seq, other.seq);
		}

	}

	private final long seed;

	private final long latencyNanos;

	private final long detectionNanos;

	private final Random network;

	private final PriorityQueue<Event> events = new PriorityQueue<>();

	private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();

	private final ObjectMapper json = JsonMapper.builder().build();

	private final Map<Class<?>, Integer> sizes = new java.util.HashMap<>();

	private final Map<String, Long> byType = new TreeMap<>();

	/**
	 * When two nodes last heard from each other directly (a control message delivered
	 * either way), by the pair's names in order.
	 */
	private final Map<Pair, Long> contacts = new HashMap<>();

	private final List<MemberEvent> memberEvents = new ArrayList<>();

	private final List<Partition> partitions = new ArrayList<>();

	/** Announcements to nodes across a partition, delivered at the heal. */
	private final List<Held> held = new ArrayList<>();

	/**
	 * A message held by a partition: an announcement (on the broker), or one sent over a
	 * connection that still lived when it met the partition (in TCP's buffers).
	 */
	private record Held(SimNode from, SimNode to, ControlMessage message, boolean overConnection) {
	}

	private long now;

	private long seq;

	/** Messages sent and not yet delivered or dropped. */
	private long inFlight;

	/**
	 * One report of a member coming up or going down, as the node's member listeners
	 * would have heard it.
	 *
	 * @param at virtual time of the report
	 * @param observer the node that reported it
	 * @param observerIncarnation which start of the observer
	 * @param peer the member
	 * @param up whether it came up (else it went down)
	 * @param reason why it went down; {@code null} when it came up or only moved out of
	 * the observer's view (not down: {@code MembershipListener#memberOutOfView})
	 */
	public record MemberEvent(Duration at, NodeId observer, long observerIncarnation, Node peer, boolean up,
			@Nullable DownReason reason) {

		@Override
		public String toString() {
			return String.format("%.3fs %s: %s %s", this.at.toNanos() / 1e9, this.observer.name(), this.peer.name(),
					this.up ? "up" : (this.reason != null) ? "down " + this.reason : "out of view");
		}

	}

	/** Two sides that cannot hear each other. */
	private record Partition(Set<NodeId> left, Set<NodeId> right) {

		boolean separates(NodeId a, NodeId b) {
			return (this.left.contains(a) && this.right.contains(b))
					|| (this.left.contains(b) && this.right.contains(a));
		}

	}

	/**
	 * @param seed the seed of every random choice (network jitter and each node's own
	 * source)
	 * @param latency one-way message latency
	 * @param detection how long after a crash its neighbours are told
	 */
	public Simulation(long seed, Duration latency, Duration detection) {
		this.seed = seed;
		this.latencyNanos = latency.toNanos();
		this.detectionNanos = detection.toNanos();
		this.network = new Random(seed);
	}

	/** Adds and starts a node running {@code overlay}. */
	public SimNode add(String name, Overlay overlay) {
		return add(new Node(NodeId.of(name), "sim", 1 + this.nodes.size() % 65535, null), overlay);
	}

	/**
	 * Adds and starts a node (with its tag, e.g. client or server) running
	 * {@code overlay}.
	 */
	public SimNode add(Node node, Overlay overlay) {
		if (this.nodes.containsKey(node.id())) {
			throw new IllegalArgumentException("Simulated node " + node.id() + " exists; restart it instead");
		}
		SimNode sim = new SimNode(node, overlay, new Random(this.seed * 31 + node.name().hashCode()),
				incarnationNow(0));
		this.nodes.put(node.id(), sim);
		overlay.start(sim);
		sim.evaluate();
		return sim;
	}

	/**
	 * An incarnation for a node starting now: like the runtime's, microseconds of
	 * (virtual) time, offset so that it is positive, and above {@code previous}; every
	 * leave in between may bump a version by one, far fewer than the microseconds that
	 * pass.
	 */
	private long incarnationNow(long previous) {
		return Math.max(previous + 1, 1_000_000 + this.now / 1000);
	}

	/**
	 * Starts a crashed node again under its name: a fresh {@code overlay} (nothing of the
	 * old state survives) with a larger incarnation. It joins nothing by itself; nodes
	 * still connected to its name reach the new instance one latency later, as a
	 * redialling transport would.
	 */
	public SimNode restart(NodeId id, Overlay overlay) {
		SimNode old = node(id);
		if (old.alive) {
			throw new IllegalStateException("Node " + id + " is running; crash it first");
		}
		SimNode sim = new SimNode(old.node, overlay, new Random(this.seed * 31 + id.name().hashCode() + this.now),
				incarnationNow(old.incarnation));
		this.nodes.put(id, sim);
		overlay.start(sim);
		sim.evaluate();
		reconnect();
		return sim;
	}

	/**
	 * Cuts {@code left} off from {@code right}: messages between them are dropped, and
	 * each side loses contact with the other after the detection delay.
	 */
	public void partition(Set<NodeId> left, Set<NodeId> right) {
		this.partitions.add(new Partition(Set.copyOf(left), Set.copyOf(right)));
		for (SimNode observer : this.nodes.values()) {
			for (NodeId peer : List.copyOf(observer.connections)) {
				if (!reachable(observer.node.id(), peer)) {
					detectLater(observer, peer);
				}
			}
		}
	}

	/** Ends every partition; contact comes back one latency later. */
	public void heal() {
		this.partitions.clear();
		reconnect();
		List<Held> due = List.copyOf(this.held);
		this.held.clear();
		for (Held message : due) {
			// A connection declared lost meanwhile (the partition outlasted detection)
			// took what it held with it.
			if (!message.overConnection()
					|| (message.from().alive && message.from().isConnected(message.to().node.id()))) {
				message.from().carry(message.to(), message.message(), this.latencyNanos);
			}
		}
	}

	/** Whether a partition is in place. */
	public boolean partitioned() {
		return !this.partitions.isEmpty();
	}

	/**
	 * Whether a message from {@code from} would reach {@code to} now: both run and no
	 * partition separates them.
	 */
	private boolean reachable(NodeId from, NodeId to) {
		SimNode a = this.nodes.get(from);
		SimNode b = this.nodes.get(to);
		if (a == null || b == null || !a.alive || !b.alive) {
			return false;
		}
		return !separated(from, to);
	}

	private boolean separated(NodeId from, NodeId to) {
		for (Partition partition : this.partitions) {
			if (partition.separates(from, to)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * {@code observer} notices, after the detection delay, that {@code peer} cannot be
	 * reached, unless it can be again by then.
	 */
	private void detectLater(SimNode observer, NodeId peer) {
		at(this.now + this.detectionNanos, () -> {
			if (observer.alive && observer.connections.contains(peer) && !observer.lost.contains(peer)
					&& !reachable(observer.node.id(), peer)) {
				observer.loseContact(peer);
			}
		});
	}

	/**
	 * Every running node regains contact, one latency later, with the peers it still
	 * connects to and can reach again.
	 */
	private void reconnect() {
		for (SimNode observer : this.nodes.values()) {
			for (NodeId peer : List.copyOf(observer.lost)) {
				if (observer.alive && reachable(observer.node.id(), peer)) {
					at(this.now + latency(), () -> {
						if (observer.alive && observer.lost.contains(peer) && reachable(observer.node.id(), peer)) {
							observer.lost.remove(peer);
							observer.linkChanges++;
							observer.evaluate();
						}
					});
				}
			}
		}
	}

	/** Every member report so far, in order. */
	public List<MemberEvent> memberEvents() {
		return List.copyOf(this.memberEvents);
	}

	/** Control messages sent and not yet delivered or dropped. */
	public long messagesInFlight() {
		return this.inFlight;
	}

	/**
	 * Adds {@code count} nodes one by one, 20 ms of virtual time apart, each joining
	 * through a node chosen at random (by {@code choices}) among those already added.
	 */
	public List<SimNode> grow(int count, java.util.function.Supplier<Overlay> overlays, Random choices) {
		List<SimNode> added = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			SimNode node = add(name(this.nodes.size()), overlays.get());
			if (!added.isEmpty()) {
				node.join(added.get(choices.nextInt(added.size())));
			}
			added.add(node);
			runFor(Duration.ofMillis(20));
		}
		return added;
	}

	public SimNode node(NodeId id) {
		SimNode node = this.nodes.get(id);
		if (node == null) {
			throw new IllegalArgumentException("No simulated node " + id);
		}
		return node;
	}

	/**
	 * Stops a node abruptly: it receives and sends nothing more, and the nodes connected
	 * to it lose contact after the detection delay.
	 */
	public void crash(NodeId id) {
		SimNode victim = node(id);
		if (!victim.alive) {
			return;
		}
		victim.alive = false;
		for (SimNode other : this.nodes.values()) {
			if (other.alive && other.connections.contains(id)) {
				detectLater(other, id);
			}
		}
	}

	/** Processes every event due within {@code duration} of virtual time. */
	public void runFor(Duration duration) {
		long until = this.now + duration.toNanos();
		while (!this.events.isEmpty() && this.events.peek().time <= until) {
			Event next = this.events.poll();
			this.now = next.time;
			next.action.run();
		}
		this.now = until;
	}

	/** Messages sent so far, by message type. */
	/**
	 * When {@code a} and {@code b} last heard from each other directly (a control message
	 * delivered either way), or {@code null} if never: what a node can know of another
	 * without being told.
	 */
	public @Nullable Duration lastContact(NodeId a, NodeId b) {
		Long at = this.contacts.get(pair(a, b));
		return (at != null) ? Duration.ofNanos(at) : null;
	}

	private static Pair pair(NodeId a, NodeId b) {
		return (a.name().compareTo(b.name()) <= 0) ? new Pair(a.name(), b.name()) : new Pair(b.name(), a.name());
	}

	/**
	 * Two node names, in order. Not a list of the two: a list's hash, {@code 31·h(a) +
	 * h(b)}, is the same for most pairs of names that differ only in a digit
	 * ({@code c00695} and {@code c00696} hash one apart), and a thousand-node run spent
	 * its time searching the collided buckets.
	 */
	private record Pair(String a, String b) {

		@Override
		public int hashCode() {
			return this.a.hashCode() * 0x9E3779B1 + Integer.rotateLeft(this.b.hashCode(), 16);
		}

	}

	public Map<String, Long> messagesByType() {
		return Map.copyOf(this.byType);
	}

	public Duration elapsed() {
		return Duration.ofNanos(this.now);
	}

	public List<SimNode> live() {
		return this.nodes.values().stream().filter((n) -> n.alive).toList();
	}

	public List<SimNode> all() {
		return List.copyOf(this.nodes.values());
	}

	/** What a run produced: connectivity, view sizes and traffic. */
	public record Report(int liveNodes, boolean connected, int components, Map<Integer, Integer> viewSizes,
			double messagesPerNode, double bytesPerNode, long messages, long bytes) {
	}

	/**
	 * Measures the graph whose edges are what {@code neighbours} returns for each live
	 * node (e.g. an active view), restricted to live nodes and taken as undirected.
	 */
	public Report report(Function<SimNode, List<Node>> neighbours) {
		List<SimNode> live = live();
		Map<NodeId, Set<NodeId>> graph = new LinkedHashMap<>();
		Map<Integer, Integer> viewSizes = new TreeMap<>();
		for (SimNode node : live) {
			graph.computeIfAbsent(node.node.id(), (k) -> new HashSet<>());
			List<Node> view = neighbours.apply(node);
			viewSizes.merge(view.size(), 1, Integer::sum);
			for (Node peer : view) {
				SimNode other = this.nodes.get(peer.id());
				if (other != null && other.alive) {
					graph.get(node.node.id()).add(peer.id());
					graph.computeIfAbsent(peer.id(), (k) -> new HashSet<>()).add(node.node.id());
				}
			}
		}
		int components = 0;
		Set<NodeId> seen = new HashSet<>();
		for (NodeId start : graph.keySet()) {
			if (seen.add(start)) {
				components++;
				Deque<NodeId> queue = new ArrayDeque<>(List.of(start));
				while (!queue.isEmpty()) {
					// Every node that is queued was put in the graph as a key above (both
					// ends of each link).
					Set<NodeId> adjacent = Objects.requireNonNull(graph.get(queue.remove()),
							"a queued node is a key of the graph");
					for (NodeId next : adjacent) {
						if (seen.add(next)) {
							queue.add(next);
						}
					}
				}
			}
		}
		long messages = 0;
		long bytes = 0;
		for (SimNode node : this.nodes.values()) {
			messages += node.messagesSent;
			bytes += node.bytesSent;
		}
		int count = Math.max(1, this.nodes.size());
		return new Report(live.size(), components == 1, components, viewSizes, (double) messages / count,
				(double) bytes / count, messages, bytes);
	}

	private void at(long time, Runnable action) {
		this.events.add(new Event(time, this.seq++, action));
	}

	private long latency() {
		return this.latencyNanos + (long) (this.network.nextDouble() * this.latencyNanos);
	}

	private int sizeOf(ControlMessage message) {
		return this.json.writeValueAsBytes(message).length;
	}

	/** One simulated node: its overlay and the context it sees. */
	public final class SimNode implements OverlayContext {

		private final Node node;

		private final Overlay overlay;

		private final Random random;

		private final Set<NodeId> connections = new HashSet<>();

		/**
		 * Peers this node connects to but has lost contact with (down, or across a
		 * partition), as its transport and failure detector would tell.
		 */
		private final Set<NodeId> lost = new HashSet<>();

		/** The members up here, as the runtime's member tracker keeps them. */
		private Map<NodeId, Node> up = Map.of();

		private final long incarnation;

		private boolean evaluationDue;

		/**
		 * Counts the changes to {@link #connections} and {@link #lost}: with the
		 * overlay's members the same instance as at the last evaluation (an overlay that
		 * keeps them until they change) and no link changed, there is nothing to
		 * recompute. A thousand-node run evaluates a server after every message it takes.
		 */
		private long linkChanges;

		private @Nullable Set<Node> evaluatedMembers;

		private long evaluatedLinks = -1;

		private boolean alive = true;

		private long messagesSent;

		private long bytesSent;

		private long messagesReceived;

		private final Map<String, List<String>> delivered = new LinkedHashMap<>();

		private java.util.function.BiConsumer<NodeId, byte[]> frameReceiver = (from, frame) -> {
		};

		private long framesSent;

		private long frameBytesSent;

		private long frameBytesReceived;

		SimNode(Node node, Overlay overlay, Random random, long incarnation) {
			this.node = node;
			this.overlay = overlay;
			this.random = random;
			this.incarnation = incarnation;
		}

		/**
		 * Recomputes which members are up, as the runtime does after every event: members
		 * this node connects to and has contact with. Records each change and tells the
		 * overlay.
		 */
		void evaluate() {
			this.evaluationDue = false;
			if (!this.alive) {
				return;
			}
			Set<Node> members = this.overlay.members();
			// By value: an overlay may build its member set anew at every call (HyParView
			// does), and rebuilding the up set for an unchanged one after every event was
			// a tenth of a thousand-node run.
			if (this.linkChanges == this.evaluatedLinks
					&& (members == this.evaluatedMembers || members.equals(this.evaluatedMembers))) {
				return;
			}
			this.evaluatedMembers = members;
			this.evaluatedLinks = this.linkChanges;
			Map<NodeId, Node> next = new LinkedHashMap<>();
			Set<NodeId> memberIds = new HashSet<>();
			for (Node member : members) {
				memberIds.add(member.id());
				if (!member.id().equals(this.node.id()) && this.connections.contains(member.id())
						&& !this.lost.contains(member.id())) {
					next.put(member.id(), member);
				}
			}
			Map<NodeId, Node> previous = this.up;
			this.up = next;
			List<Node> cameUp = new ArrayList<>();
			List<Node> wentDown = new ArrayList<>();
			next.forEach((id, member) -> {
				if (!previous.containsKey(id)) {
					cameUp.add(member);
				}
			});
			previous.forEach((id, member) -> {
				if (!next.containsKey(id)) {
					wentDown.add(member);
				}
			});
			Duration at = Duration.ofNanos(Simulation.this.now);
			for (Node member : cameUp) {
				Simulation.this.memberEvents
					.add(new MemberEvent(at, this.node.id(), this.incarnation, member, true, null));
			}
			for (Node member : wentDown) {
				// As the runtime's tracker: a member that only left this node's view
				// (still in
				// the cluster, e.g. peer-to-peer's passive view) is not down at all.
				DownReason reason = memberIds.contains(member.id()) ? DownReason.UNREACHABLE
						: this.overlay.outOfView(member.id()) ? null : DownReason.LEFT;
				Simulation.this.memberEvents
					.add(new MemberEvent(at, this.node.id(), this.incarnation, member, false, reason));
			}
			cameUp.forEach(this.overlay::onPeerUp);
			wentDown.forEach(this.overlay::onPeerDown);
		}

		/** Runs {@code action} on this node, then recomputes its up members. */
		private void run(Runnable action) {
			if (this.alive) {
				action.run();
				evaluate();
			}
		}

		/**
		 * Contact with {@code peer} is lost: its member goes down, and the transport's
		 * redial fails while this node still connects to it.
		 */
		private void loseContact(NodeId peer) {
			this.lost.add(peer);
			this.linkChanges++;
			evaluate();
			if (this.alive && this.connections.contains(peer)) {
				run(() -> this.overlay.onPeerUnreachable(peer, new java.net.ConnectException("Connection refused")));
			}
		}

		/** The members up here now. */
		public Set<NodeId> upMembers() {
			return Set.copyOf(this.up.keySet());
		}

		/** This start's incarnation. */
		public long incarnationNumber() {
			return this.incarnation;
		}

		/** Leaves the cluster (the overlay's leave, as the runtime would call it). */
		public CompletableFuture<Void> leave() {
			CompletableFuture<Void> left = this.overlay.leave();
			evaluate();
			return left;
		}

		/**
		 * Removes {@code other} from the cluster (the overlay's {@code leave(other)}, as
		 * the runtime would call it).
		 */
		public CompletableFuture<Void> remove(NodeId other) {
			CompletableFuture<Void> removed = this.overlay.leave(other);
			evaluate();
			return removed;
		}

		public Node node() {
			return this.node;
		}

		public Overlay overlay() {
			return this.overlay;
		}

		public boolean alive() {
			return this.alive;
		}

		public long messagesSent() {
			return this.messagesSent;
		}

		public long messagesReceived() {
			return this.messagesReceived;
		}

		/**
		 * Joins through {@code seed} (the overlay's join, as the runtime would call it).
		 */
		public CompletableFuture<Void> join(SimNode seed) {
			CompletableFuture<Void> joined = this.overlay.join(seed.node);
			evaluate();
			return joined;
		}

		@Override
		public Node localNode() {
			return this.node;
		}

		@Override
		public long incarnation() {
			return this.incarnation;
		}

		@Override
		public long epochNow() {
			return incarnationNow(0);
		}

		@Override
		public List<Node> seeds() {
			return List.of();
		}

		@Override
		public void connect(Node peer) {
			if (!this.connections.add(peer.id())) {
				return;
			}
			this.linkChanges++;
			if (!reachable(this.node.id(), peer.id())) {
				this.lost.add(peer.id());
				at(Simulation.this.now + latency(), () -> {
					if (this.connections.contains(peer.id()) && this.lost.contains(peer.id())) {
						run(() -> this.overlay.onPeerUnreachable(peer.id(),
								new java.net.ConnectException("Connection refused")));
					}
				});
			}
		}

		@Override
		public void disconnect(NodeId peer) {
			if (this.connections.remove(peer) | this.lost.remove(peer)) {
				this.linkChanges++;
			}
		}

		@Override
		public boolean isConnected(NodeId peer) {
			return this.connections.contains(peer) && !this.lost.contains(peer);
		}

		@Override
		public CompletableFuture<Void> send(NodeId peer, ControlMessage message) {
			if (!this.alive) {
				return CompletableFuture.completedFuture(null);
			}
			this.messagesSent++;
			Simulation.this.byType.merge(message.getClass().getSimpleName(), 1L, Long::sum);
			this.bytesSent += Simulation.this.sizes.computeIfAbsent(message.getClass(), (c) -> sizeOf(message));
			SimNode other = Simulation.this.nodes.get(peer);
			if (other != null) {
				NodeId from = this.node.id();
				Simulation.this.inFlight++;
				at(Simulation.this.now + latency(), () -> {
					Simulation.this.inFlight--;
					if (other.alive && this.alive && reachable(from, peer)) {
						Simulation.this.contacts.put(pair(from, peer), Simulation.this.now);
						other.messagesReceived++;
						other.run(() -> other.overlay.onControlMessage(from, message));
					}
					else if (other.alive && this.alive && Simulation.this.nodes.get(peer) == other
							&& separated(from, peer) && isConnected(peer)) {
						// TCP keeps what it could not deliver across a partition while
						// the
						// connection lives: it arrives after a heal that comes before the
						// connection is declared lost.
						Simulation.this.held.add(new Held(this, other, message, true));
					}
				});
			}
			return CompletableFuture.completedFuture(null);
		}

		/**
		 * Sends {@code message} to every other node, as a broker's fanout exchange does:
		 * each receives it one jittered latency later, or, when a partition separates
		 * them then, once it heals.
		 */
		@Override
		public void announce(ControlMessage message) {
			if (!this.alive) {
				return;
			}
			this.messagesSent++;
			Simulation.this.byType.merge(message.getClass().getSimpleName(), 1L, Long::sum);
			for (SimNode other : List.copyOf(Simulation.this.nodes.values())) {
				if (other != this && other.alive) {
					carry(other, message, latency());
				}
			}
		}

		@Override
		public void publish(ControlMessage message) {
			announce(message);
		}

		/**
		 * Delivers an announcement after {@code delay}: the broker has it, so it arrives
		 * even if this node crashed since, but only to the instance it was for (a node
		 * restarted meanwhile is a new consumer); one that finds a partition between the
		 * two waits for the heal, after which the held ones arrive in the order they were
		 * made, one latency later, as one node's announcements do from a queue.
		 */
		private void carry(SimNode other, ControlMessage message, long delay) {
			NodeId from = this.node.id();
			NodeId peer = other.node.id();
			Simulation.this.inFlight++;
			at(Simulation.this.now + delay, () -> {
				Simulation.this.inFlight--;
				if (!other.alive || Simulation.this.nodes.get(peer) != other) {
					return;
				}
				if (separated(from, peer)) {
					Simulation.this.held.add(new Held(this, other, message, false));
					return;
				}
				Simulation.this.contacts.put(pair(from, peer), Simulation.this.now);
				other.messagesReceived++;
				other.run(() -> other.overlay.onControlMessage(from, message));
			});
		}

		/** Recomputes up members once the current event is done, as the runtime does. */
		@Override
		public void membersChanged() {
			if (!this.evaluationDue) {
				this.evaluationDue = true;
				at(Simulation.this.now, this::evaluate);
			}
		}

		@Override
		public void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload) {
			this.delivered.computeIfAbsent(handler, (k) -> new ArrayList<>())
				.add(origin.name() + ":" + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
		}

		/**
		 * What broadcasts delivered to {@code handler} here, as {@code origin:payload},
		 * in order.
		 */
		public List<String> delivered(String handler) {
			return this.delivered.getOrDefault(handler, List.of());
		}

		/**
		 * Starts a broadcast from this node (the overlay's, as the runtime would call
		 * it).
		 */
		public boolean broadcast(String handler, String text) {
			return this.overlay.broadcast(handler, (byte) 2, "",
					text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}

		@Override
		public void schedule(Duration period, Runnable task) {
			long every = period.toNanos();
			long first = Simulation.this.now + (long) (this.random.nextDouble() * every);
			periodic(first, every, task);
		}

		private void periodic(long time, long every, Runnable task) {
			at(time, () -> {
				if (this.alive) {
					run(task);
					periodic(time + every, every, task);
				}
			});
		}

		/**
		 * Sends an application frame (the bytes a real node would write) to {@code peer}:
		 * it takes a latency like a control message and is dropped the same way (sender
		 * or receiver down, or a partition between them), and arrives at the receiver set
		 * by {@link #onFrame}. Application frames change no membership, so the receiver's
		 * up members are not recomputed. Counted apart from control messages
		 * ({@link #framesSent()}, {@link #frameBytesSent()},
		 * {@link #frameBytesReceived()}).
		 * @return whether the frame left this node (false when this node is down)
		 */
		public boolean sendFrame(NodeId peer, byte[] frame) {
			if (!this.alive) {
				return false;
			}
			this.framesSent++;
			this.frameBytesSent += frame.length;
			SimNode other = Simulation.this.nodes.get(peer);
			if (other != null) {
				NodeId from = this.node.id();
				Simulation.this.inFlight++;
				at(Simulation.this.now + latency(), () -> {
					Simulation.this.inFlight--;
					if (other.alive && this.alive && reachable(from, peer)) {
						other.frameBytesReceived += frame.length;
						other.frameReceiver.accept(from, frame);
					}
				});
			}
			return true;
		}

		/** Where application frames sent to this node arrive (by default, nowhere). */
		public void onFrame(java.util.function.BiConsumer<NodeId, byte[]> receiver) {
			this.frameReceiver = receiver;
		}

		/**
		 * Runs an application task every {@code period} while this node runs, the first
		 * time at a random point of the first period (so nodes do not tick in step).
		 * Unlike {@link #schedule}, it does not recompute up members afterwards.
		 */
		public void repeat(Duration period, Runnable task) {
			long every = period.toNanos();
			repeatAt(Simulation.this.now + (long) (this.random.nextDouble() * every), every, task);
		}

		private void repeatAt(long time, long every, Runnable task) {
			at(time, () -> {
				if (this.alive) {
					task.run();
					repeatAt(time + every, every, task);
				}
			});
		}

		/** Application frames this node sent. */
		public long framesSent() {
			return this.framesSent;
		}

		/** Bytes of the application frames this node sent. */
		public long frameBytesSent() {
			return this.frameBytesSent;
		}

		/** Bytes of the application frames that reached this node. */
		public long frameBytesReceived() {
			return this.frameBytesReceived;
		}

		@Override
		public void scheduleOnce(Duration delay, Runnable task) {
			at(Simulation.this.now + delay.toNanos(), () -> run(task));
		}

		@Override
		public Random random() {
			return this.random;
		}

	}

	/** Node names n0000, n0001, ... for readable, sortable runs. */
	public static String name(int index) {
		return String.format("n%04d", index);
	}

}
