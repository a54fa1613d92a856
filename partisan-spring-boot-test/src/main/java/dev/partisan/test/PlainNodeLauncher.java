package dev.partisan.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.partisan.api.Node;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;

/**
 * Runs each node as a plain runtime, without Spring: configured with test timings, then
 * the test's configuration; set up (handlers registered) before it joins, so no message
 * reaches it before its handlers exist.
 */
final class PlainNodeLauncher implements NodeLauncher {

	private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

	private final BiConsumer<String, PartisanConfig.Builder> configuration;

	private final Consumer<ClusterNode> setup;

	PlainNodeLauncher(BiConsumer<String, PartisanConfig.Builder> configuration, Consumer<ClusterNode> setup) {
		this.configuration = configuration;
		this.setup = setup;
	}

	@Override
	public ClusterNode launch(String name, int port, List<Node> seeds) {
		PartisanConfig.Builder builder = PartisanConfig.builder(name)
			.host("127.0.0.1")
			.port(port)
			.seeds(seeds)
			.heartbeatInterval(Duration.ofMillis(100))
			.failureTimeout(Duration.ofSeconds(1))
			.gossipInterval(Duration.ofMillis(500))
			.joinTimeout(JOIN_TIMEOUT)
			.connectTimeout(Duration.ofSeconds(2))
			.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
			.connectionRefresh(Duration.ofMillis(20), 1)
			.eventLoopThreads(2)
			.handlerThreads(2);
		this.configuration.accept(name, builder);
		PartisanNode partisan = PartisanNode.create(builder.build());
		MembershipRecorder recorder = new MembershipRecorder();
		partisan.addMembershipListener(recorder);
		ClusterNode node = new ClusterNode(name, partisan, null, recorder);
		try {
			partisan.start();
			this.setup.accept(node);
			if (partisan.joinsSeeds()) {
				joinAny(partisan, seeds);
			}
			return node;
		}
		catch (RuntimeException ex) {
			partisan.close();
			throw ex;
		}
	}

	/**
	 * Joins through the first seed that answers: one member is enough for the overlay to
	 * make the rest known.
	 */
	private static void joinAny(PartisanNode partisan, List<Node> seeds) {
		List<String> failures = new ArrayList<>();
		for (Node seed : seeds) {
			try {
				partisan.join(seed).get(JOIN_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
				return;
			}
			catch (ExecutionException | TimeoutException ex) {
				failures.add(seed.address() + ": " + ((ex.getCause() != null) ? ex.getCause() : ex));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while " + partisan.localNode().name() + " joined", ex);
			}
		}
		if (!seeds.isEmpty()) {
			throw new IllegalStateException(
					"Node " + partisan.localNode().name() + " could join none of its seeds: " + failures);
		}
	}

}
