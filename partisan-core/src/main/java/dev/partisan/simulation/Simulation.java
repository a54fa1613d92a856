package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.membership.OverlayContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs overlays on a simulated network. Every node has its own {@link OverlayContext}; a
 * message takes the configured latency plus up to as much again of seeded jitter; a
 * crashed node receives nothing and its neighbours are told it is down after the
 * detection delay, as failure detection would. Events run one at a time in time order
 * (ties in the order they were scheduled), so a seed gives the same run.
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

	private long now;

	private long seq;

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
		Node node = new Node(NodeId.of(name), "sim", 1 + this.nodes.size() % 65535, null);
		SimNode sim = new SimNode(node, overlay, new Random(this.seed * 31 + name.hashCode()));
		this.nodes.put(node.id(), sim);
		overlay.start(sim);
		return sim;
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
	 * Stops a node abruptly: it receives nothing more, and its neighbours learn it is
	 * down.
	 */
	public void crash(NodeId id) {
		SimNode victim = node(id);
		if (!victim.alive) {
			return;
		}
		victim.alive = false;
		for (SimNode other : this.nodes.values()) {
			if (other.alive && other.connections.contains(id)) {
				at(this.now + this.detectionNanos, () -> {
					if (other.alive && other.connections.contains(id)) {
						other.overlay.onPeerDown(victim.node);
					}
				});
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

		private boolean alive = true;

		private long messagesSent;

		private long bytesSent;

		private long messagesReceived;

		private final Map<String, List<String>> delivered = new LinkedHashMap<>();

		SimNode(Node node, Overlay overlay, Random random) {
			this.node = node;
			this.overlay = overlay;
			this.random = random;
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
		public void join(SimNode seed) {
			this.overlay.join(seed.node);
		}

		@Override
		public Node localNode() {
			return this.node;
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
			if (this.connections.add(peer.id())) {
				SimNode other = Simulation.this.nodes.get(peer.id());
				if (other == null || !other.alive) {
					at(Simulation.this.now + latency(), () -> {
						if (this.alive) {
							this.overlay.onPeerUnreachable(peer.id(),
									new java.net.ConnectException("Connection refused"));
						}
					});
				}
			}
		}

		@Override
		public void disconnect(NodeId peer) {
			this.connections.remove(peer);
		}

		@Override
		public boolean isConnected(NodeId peer) {
			SimNode other = Simulation.this.nodes.get(peer);
			return this.connections.contains(peer) && other != null && other.alive;
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
				at(Simulation.this.now + latency(), () -> {
					if (other.alive && this.alive) {
						other.messagesReceived++;
						other.overlay.onControlMessage(from, message);
					}
				});
			}
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void membersChanged() {
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
					task.run();
					periodic(time + every, every, task);
				}
			});
		}

		@Override
		public void scheduleOnce(Duration delay, Runnable task) {
			at(Simulation.this.now + delay.toNanos(), () -> {
				if (this.alive) {
					task.run();
				}
			});
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
