package dev.partisan.example.simulation;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.simulation.Simulation;
import dev.partisan.simulation.Simulation.SimNode;

/**
 * The papers' scalability argument in numbers: what one broadcast costs the cluster and
 * its busiest node, on the peer-to-peer overlay (Plumtree over HyParView, simulated) and
 * on client-server with one server (each delivery a direct send, relayed by the server
 * between clients — the runtime's routing rule, counted). Run it:
 * {@code java -cp ... dev.partisan.example.simulation.OverlayComparison [sizes...]}.
 *
 * <p>
 * This counts the cost of one Plumtree broadcast, not an application, and client-server
 * is counted from the routing rule, not simulated. The papers' claim about the Lasp
 * counter — client-server stops scaling before peer-to-peer, which pays in bytes — is
 * tested by the demo's own code on both simulated overlays: {@code ScaleExperiment} in
 * {@code demo-lasp-counter}.
 */
public final class OverlayComparison {

	/**
	 * One row of the comparison.
	 *
	 * @param nodes cluster size
	 * @param p2pMessagesPerBroadcast messages the whole cluster sends per broadcast,
	 * peer-to-peer
	 * @param p2pBusiestNodePerBroadcast messages (in and out) of the busiest node per
	 * broadcast, peer-to-peer
	 * @param p2pReach fraction of nodes that delivered each broadcast exactly once
	 * @param csMessagesPerBroadcast messages per broadcast, client-server
	 * @param csBusiestNodePerBroadcast messages (in and out) of the server per broadcast,
	 * client-server
	 */
	public record Row(int nodes, double p2pMessagesPerBroadcast, double p2pBusiestNodePerBroadcast, double p2pReach,
			double csMessagesPerBroadcast, double csBusiestNodePerBroadcast) {
	}

	private static final int BROADCASTS = 20;

	private OverlayComparison() {
	}

	public static void main(String[] args) {
		List<Integer> sizes = new ArrayList<>();
		for (String arg : args) {
			sizes.add(Integer.parseInt(arg));
		}
		print(compare(sizes.isEmpty() ? List.of(32, 256, 1024) : sizes, 1), System.out);
	}

	public static List<Row> compare(List<Integer> sizes, long seed) {
		List<Row> rows = new ArrayList<>();
		for (int n : sizes) {
			rows.add(row(n, seed));
		}
		return rows;
	}

	private static Row row(int n, long seed) {
		Simulation sim = new Simulation(seed, Duration.ofMillis(1), Duration.ofSeconds(2));
		HyParViewOverlay.Settings settings = new HyParViewOverlay.Settings(6, 30, 6, 3, Duration.ofSeconds(10), 3, 4,
				Duration.ZERO);
		Random random = new Random(seed);
		List<SimNode> nodes = sim.grow(n, () -> new HyParViewOverlay(settings), random);
		sim.runFor(Duration.ofSeconds(30));
		long[] before = load(nodes);
		long sentBefore = totalSent(nodes);
		int exactlyOnce = 0;
		for (int b = 0; b < BROADCASTS; b++) {
			SimNode origin = nodes.get(random.nextInt(n));
			String text = "b" + b;
			origin.broadcast("app", text);
			sim.runFor(Duration.ofSeconds(2));
			String expected = origin.node().name() + ":" + text;
			for (SimNode node : nodes) {
				if (node.delivered("app").stream().filter(expected::equals).count() == 1) {
					exactlyOnce++;
				}
			}
		}
		// The window also carries the overlay's own shuffles; they are a small share at
		// these sizes.
		long[] after = load(nodes);
		long busiest = 0;
		for (int i = 0; i < n; i++) {
			busiest = Math.max(busiest, after[i] - before[i]);
		}
		double p2pMessages = (double) (totalSent(nodes) - sentBefore) / BROADCASTS;

		// Client-server, one server: a broadcast is a send to every other member. A
		// client reaches the server
		// directly and another client through the server (two messages, both through the
		// server).
		double csMessages = 0;
		double csServer = 0;
		for (int b = 0; b < BROADCASTS; b++) {
			boolean fromServer = (b % n) == 0;
			int others = n - 1;
			if (fromServer) {
				csMessages += others;
				csServer += others;
			}
			else {
				csMessages += 1 + 2.0 * (others - 1);
				csServer += 1 + 2.0 * (others - 1);
			}
		}
		return new Row(n, p2pMessages, (double) busiest / BROADCASTS, (double) exactlyOnce / (BROADCASTS * n),
				csMessages / BROADCASTS, csServer / BROADCASTS);
	}

	private static long[] load(List<SimNode> nodes) {
		long[] load = new long[nodes.size()];
		for (int i = 0; i < nodes.size(); i++) {
			load[i] = nodes.get(i).messagesSent() + nodes.get(i).messagesReceived();
		}
		return load;
	}

	private static long totalSent(List<SimNode> nodes) {
		long total = 0;
		for (SimNode node : nodes) {
			total += node.messagesSent();
		}
		return total;
	}

	public static void print(List<Row> rows, PrintStream out) {
		out.println(
				"| nodes | p2p msgs/broadcast | p2p busiest node | p2p reach | client-server msgs/broadcast | server load |");
		out.println("|---|---|---|---|---|---|");
		for (Row row : rows) {
			out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.1f%% | %.0f | %.0f |%n", row.nodes(),
					row.p2pMessagesPerBroadcast(), row.p2pBusiestNodePerBroadcast(), row.p2pReach() * 100,
					row.csMessagesPerBroadcast(), row.csBusiestNodePerBroadcast());
		}
	}

}
