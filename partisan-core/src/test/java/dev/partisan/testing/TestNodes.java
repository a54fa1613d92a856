package dev.partisan.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;

/**
 * Nodes for multi-node tests in one JVM: loopback, ephemeral ports, and timings short
 * enough that a test of failure detection finishes in seconds. Closes every node it made.
 */
public final class TestNodes implements AutoCloseable {

	private final List<PartisanNode> nodes = new ArrayList<>();

	/** A builder with test timings; the port is 0 (any free one) unless set. */
	public static PartisanConfig.Builder config(String name) {
		return PartisanConfig.builder(name)
			.host("127.0.0.1")
			.port(0)
			.heartbeatInterval(Duration.ofMillis(100))
			.failureTimeout(Duration.ofMillis(1000))
			.gossipInterval(Duration.ofMillis(500))
			.joinTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(2))
			.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
			.connectionRefresh(Duration.ofMillis(20), 1)
			.eventLoopThreads(2)
			.handlerThreads(2);
	}

	public PartisanNode start(String name) {
		return start(name, (b) -> {
		});
	}

	public PartisanNode start(String name, Consumer<PartisanConfig.Builder> customizer) {
		PartisanConfig.Builder builder = config(name);
		customizer.accept(builder);
		return start(builder.build());
	}

	public PartisanNode start(PartisanConfig config) {
		PartisanNode node = PartisanNode.create(config);
		this.nodes.add(node);
		return node.start();
	}

	@Override
	public void close() {
		for (PartisanNode node : this.nodes) {
			node.close();
		}
		this.nodes.clear();
	}

	public static Duration awaitLimit() {
		return Duration.ofSeconds(20);
	}

}
