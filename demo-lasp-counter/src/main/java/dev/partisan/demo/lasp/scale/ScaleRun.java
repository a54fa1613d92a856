package dev.partisan.demo.lasp.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.ads.Role;
import dev.partisan.demo.lasp.core.LaspNode;
import dev.partisan.demo.lasp.crdt.AdMap;
import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.Overlay;
import dev.partisan.simulation.Simulation;
import dev.partisan.simulation.Simulation.SimNode;
import org.jspecify.annotations.Nullable;

/**
 * One run of the experiment: a cluster of one size on one overlay, every node running the
 * counter's {@link LaspNode} on a simulated node, until every node has every ad disabled
 * and all replicas are equal (or the time limit).
 */
final class ScaleRun {

	/** The two overlays of the papers' figure. */
	enum Topology {

		/**
		 * The client-server overlay (full-mesh membership with client-server reach): a
		 * client connects to the servers only.
		 */
		CLIENT_SERVER("client-server"),

		/** HyParView: every node's neighbours are its active view. */
		PEER_TO_PEER("peer-to-peer");

		private final String label;

		Topology(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

	}

	/**
	 * What one run measured.
	 *
	 * @param topology the overlay
	 * @param nodes cluster size (servers and clients)
	 * @param threshold each ad's threshold in this run
	 * @param frames state frames sent by all nodes
	 * @param bytes bytes of those frames
	 * @param busiestBytesPerInterval the most bytes (sent plus received) any one node
	 * carried in one propagation interval
	 * @param busiestNode the node that did
	 * @param disabledAfter virtual time from the start of the application (first views
	 * and rounds) until every node had every ad disabled, measured to the propagation
	 * interval; {@code null} when that never happened
	 * @param converged whether every ad was disabled on every node and all replicas equal
	 * before the time limit
	 * @param controlMessages the overlay's own control messages in the same window
	 * @param views views made by all clients
	 * @param wall wall-clock time of the run
	 * @param peakHeapBytes the most heap in use seen during the run
	 */
	record Result(Topology topology, int nodes, long threshold, long frames, long bytes, long busiestBytesPerInterval,
			String busiestNode, @Nullable Duration disabledAfter, boolean converged, long controlMessages, long views,
			Duration wall, long peakHeapBytes) {
	}

	/**
	 * HyParView's defaults without route announcements, as the demo's
	 * {@code peer-to-peer} profile runs it: the counter talks to its neighbours only.
	 * With announcements every 30 s, 256 nodes exchanged 8.7 million control messages in
	 * 11 virtual minutes, and the simulation spent its time on them.
	 */
	static final HyParViewOverlay.Settings PEER_TO_PEER_SETTINGS = withoutRoutes(HyParViewOverlay.Settings.DEFAULTS);

	private final Topology topology;

	private final int size;

	private final ScaleSettings settings;

	private final Simulation sim;

	private final FrameCodecs codecs = new FrameCodecs();

	private final List<SimNode> simNodes = new ArrayList<>();

	private final Map<NodeId, LaspNode> lasp = new HashMap<>();

	/** Node ids by name: made once, not checked against the name rules per frame. */
	private final Map<String, NodeId> ids = new HashMap<>();

	private long views;

	ScaleRun(Topology topology, int size, ScaleSettings settings) {
		if (size <= settings.servers()) {
			throw new IllegalArgumentException(
					"A cluster of " + size + " needs more nodes than its " + settings.servers() + " server(s)");
		}
		this.topology = topology;
		this.size = size;
		this.settings = settings;
		this.sim = new Simulation(settings.seed(), settings.latency(), Duration.ofSeconds(3));
	}

	Result run() {
		long started = System.nanoTime();
		long peakHeap = 0;
		build();
		long threshold = this.settings.thresholdFor(this.size - this.settings.servers());
		int viewers = this.settings.viewersAmong(this.size - this.settings.servers());
		int clients = 0;
		for (SimNode node : this.simNodes) {
			boolean viewer = Role.of(node.node()) == Role.CLIENT && clients++ < viewers;
			start(node, threshold, viewer);
		}
		long controlBefore = controlMessages();
		Duration interval = this.settings.syncInterval();
		Duration limit = this.settings.timeLimit();
		Duration elapsed = Duration.ZERO;
		long[] lastLoad = new long[this.simNodes.size()];
		long busiest = 0;
		String busiestNode = "";
		@Nullable Duration disabledAfter = null;
		boolean converged = false;
		while (elapsed.compareTo(limit) < 0) {
			this.sim.runFor(interval);
			elapsed = elapsed.plus(interval);
			for (int i = 0; i < this.simNodes.size(); i++) {
				SimNode node = this.simNodes.get(i);
				long load = node.frameBytesSent() + node.frameBytesReceived();
				if (load - lastLoad[i] > busiest) {
					busiest = load - lastLoad[i];
					busiestNode = node.node().name();
				}
				lastLoad[i] = load;
			}
			Runtime runtime = Runtime.getRuntime();
			peakHeap = Math.max(peakHeap, runtime.totalMemory() - runtime.freeMemory());
			if (disabledAfter == null && this.lasp.values().stream().allMatch(LaspNode::allDisabled)) {
				disabledAfter = elapsed;
			}
			if (disabledAfter != null && replicasEqual()) {
				converged = true;
				break;
			}
		}
		long frames = 0;
		long bytes = 0;
		for (SimNode node : this.simNodes) {
			frames += node.framesSent();
			bytes += node.frameBytesSent();
		}
		return new Result(this.topology, this.size, threshold, frames, bytes, busiest, busiestNode, disabledAfter,
				converged, controlMessages() - controlBefore, this.views, Duration.ofNanos(System.nanoTime() - started),
				peakHeap);
	}

	/**
	 * The servers first, then the clients, each joining as a real node would: on
	 * client-server through a server (the seed), on peer-to-peer through a node that is
	 * already in, picked at random; then the overlay settles for a minute.
	 */
	private void build() {
		Random choices = new Random(this.settings.seed());
		for (int i = 0; i < this.size; i++) {
			boolean server = i < this.settings.servers();
			String name = (server ? "s" : "c") + String.format("%05d", i);
			Node node = new Node(NodeId.of(name), "sim", 1 + i % 65535,
					server ? ClientServerReach.SERVER : ClientServerReach.CLIENT);
			SimNode sim = this.sim.add(node, overlay(node));
			if (i > 0) {
				SimNode seed = (this.topology == Topology.CLIENT_SERVER)
						? this.simNodes.get(choices.nextInt(Math.min(i, this.settings.servers())))
						: this.simNodes.get(choices.nextInt(i));
				sim.join(seed);
			}
			this.simNodes.add(sim);
			this.sim.runFor(Duration.ofMillis(10));
		}
		this.sim.runFor(Duration.ofSeconds(60));
	}

	private Overlay overlay(Node node) {
		return switch (this.topology) {
			case CLIENT_SERVER -> ClientServerReach.overlay(node, this.settings.gossipInterval());
			case PEER_TO_PEER -> new HyParViewOverlay(PEER_TO_PEER_SETTINGS);
		};
	}

	/**
	 * The node's {@link LaspNode}: the catalogue opened, a propagation round every sync
	 * interval to the members it is connected to, a view every view interval on the
	 * clients that view, and every state frame that arrives merged.
	 */
	private void start(SimNode node, long threshold, boolean viewer) {
		String name = node.node().name();
		Role role = Role.of(node.node());
		LaspNode app = new LaspNode(new Replica(name, role, node.incarnation()), this.settings.ads(), threshold);
		this.lasp.put(node.node().id(), app);
		FrameCodecs.SenderCache cache = new FrameCodecs.SenderCache();
		node.onFrame((from, frame) -> app.receive(this.codecs.decode(frame)));
		app.open();
		node.repeat(this.settings.syncInterval(), () -> app.round(neighbours(node), (neighbour, update) -> {
			byte[] frame = this.codecs.encode(name, update, cache);
			node.sendFrame(this.ids.computeIfAbsent(neighbour, NodeId::of), frame);
		}));
		if (viewer) {
			Random random = new Random(this.settings.seed() * 31 + name.hashCode());
			node.repeat(this.settings.viewInterval(), () -> {
				if (app.viewRandomAd(random).isPresent()) {
					this.views++;
				}
			});
		}
	}

	/**
	 * As {@code StateSync.neighbours()}: the overlay's members this node is connected to.
	 */
	private static List<String> neighbours(SimNode node) {
		List<String> names = new ArrayList<>();
		for (Node member : node.overlay().members()) {
			if (!member.id().equals(node.node().id()) && node.isConnected(member.id())) {
				names.add(member.name());
			}
		}
		return names;
	}

	private boolean replicasEqual() {
		@Nullable AdMap first = null;
		for (LaspNode node : this.lasp.values()) {
			AdMap state = node.replica().snapshot();
			if (first == null) {
				first = state;
			}
			else if (!first.equals(state)) {
				return false;
			}
		}
		return true;
	}

	private long controlMessages() {
		return this.sim.messagesByType().values().stream().mapToLong(Long::longValue).sum();
	}

	private static HyParViewOverlay.Settings withoutRoutes(HyParViewOverlay.Settings s) {
		return new HyParViewOverlay.Settings(s.activeMax(), s.passiveMax(), s.activeRandomWalkLength(),
				s.passiveRandomWalkLength(), s.shuffleInterval(), s.shuffleActive(), s.shufflePassive(), Duration.ZERO);
	}

	/** For tests: each node's application. */
	Map<NodeId, LaspNode> applications() {
		return Map.copyOf(this.lasp);
	}

}
