package dev.partisan.example;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.PartisanException;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import org.jspecify.annotations.Nullable;

/**
 * Starts a full-mesh cluster of a few nodes in this JVM on loopback, with a {@code vnode}
 * channel of four lanes, and has every node ping every other on it. Every two seconds it
 * prints each node's members and what crossed each channel. Ctrl-C stops it.
 *
 * <p>
 * Options: {@code --nodes=3}, {@code --base-port=10100} (0 for any free ports),
 * {@code --duration=0} (seconds; 0 runs until Ctrl-C).
 */
public final class LocalClusterDemo {

	private LocalClusterDemo() {
	}

	public static void main(String[] args) throws InterruptedException {
		int nodes = 3;
		int basePort = 10100;
		long seconds = 0;
		for (String arg : args) {
			String[] kv = arg.replaceFirst("^--", "").split("=", 2);
			if (kv.length != 2) {
				throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
			}
			switch (kv[0]) {
				case "nodes" -> nodes = Integer.parseInt(kv[1]);
				case "base-port" -> basePort = Integer.parseInt(kv[1]);
				case "duration" -> seconds = Long.parseLong(kv[1]);
				default -> throw new IllegalArgumentException(
						"Unknown option '" + kv[0] + "'; use --nodes, --base-port, --duration");
			}
		}
		run(nodes, basePort, (seconds > 0) ? Duration.ofSeconds(seconds) : null, System.out);
	}

	/**
	 * Runs the demo for {@code duration} ({@code null}: until Ctrl-C) and returns the
	 * pings each node received.
	 */
	public static Map<String, Long> run(int count, int basePort, @Nullable Duration duration, PrintStream out)
			throws InterruptedException {
		if (count < 2) {
			throw new IllegalArgumentException("A cluster needs at least 2 nodes, got " + count);
		}
		List<PartisanNode> cluster = new ArrayList<>();
		Map<String, AtomicLong> received = new TreeMap<>();
		CountDownLatch stop = new CountDownLatch(1);
		Thread hook = new Thread(stop::countDown, "partisan-demo-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			for (int i = 1; i <= count; i++) {
				String name = "n" + i;
				PartisanConfig config = PartisanConfig.builder(name)
					.port((basePort == 0) ? 0 : basePort + i - 1)
					.channel("vnode", 4)
					.channel("gossip", 1)
					.build();
				PartisanNode node = PartisanNode.create(config).start();
				AtomicLong counter = new AtomicLong();
				received.put(name, counter);
				node.register("ping", String.class, (text, meta) -> counter.incrementAndGet());
				if (!cluster.isEmpty()) {
					node.join(cluster.get(cluster.size() - 1).localNode()).join();
				}
				cluster.add(node);
			}
			out.println("Cluster of " + count + " nodes up: "
					+ cluster.stream().map((n) -> n.localNode().address()).collect(Collectors.joining(", ")));
			long deadline = (duration != null) ? System.nanoTime() + duration.toNanos() : Long.MAX_VALUE;
			long nextReport = System.nanoTime();
			long round = 0;
			while (!stop.await(100, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
				round++;
				for (PartisanNode from : cluster) {
					for (Node to : from.members()) {
						if (!to.id().equals(from.localNode().id())) {
							try {
								from.forward(to.id(), "ping", "ping " + round,
										ForwardOptions.channel("vnode").partitionKey(round));
							}
							catch (PartisanException ex) {
								out.println("send failed: " + ex.getMessage());
							}
						}
					}
				}
				if (System.nanoTime() - nextReport >= 0) {
					report(cluster, received, out);
					nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
				}
			}
			report(cluster, received, out);
		}
		finally {
			cluster.forEach(PartisanNode::close);
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// the JVM is already shutting down
			}
		}
		Map<String, Long> totals = new TreeMap<>();
		received.forEach((name, counter) -> totals.put(name, counter.get()));
		return totals;
	}

	private static void report(List<PartisanNode> cluster, Map<String, AtomicLong> received, PrintStream out) {
		for (PartisanNode node : cluster) {
			Map<String, long[]> perChannel = new TreeMap<>();
			for (LaneStats row : node.connectionTable()) {
				long[] sums = perChannel.computeIfAbsent(row.channel(), (c) -> new long[3]);
				sums[0] += row.sentMessages();
				sums[1] += row.receivedMessages();
				sums[2] += row.connected() ? 1 : 0;
			}
			String channels = perChannel.entrySet()
				.stream()
				.map((e) -> e.getKey() + "[lanes up " + e.getValue()[2] + ", sent " + e.getValue()[0] + ", recv "
						+ e.getValue()[1] + "]")
				.collect(Collectors.joining(" "));
			// run() registers a counter for each node before it is added to the cluster.
			AtomicLong pings = Objects.requireNonNull(received.get(node.localNode().name()),
					"no ping counter for a node of the cluster");
			out.printf("%s members=%s pings=%d %s%n", node.localNode().name(),
					node.members().stream().map(Node::name).sorted().toList(), pings.get(), channels);
		}
		out.println();
	}

}
