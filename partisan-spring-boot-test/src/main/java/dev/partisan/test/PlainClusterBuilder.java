package dev.partisan.test;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.partisan.runtime.PartisanConfig;

/**
 * A cluster of plain runtimes, without Spring: each node is configured with its name, a
 * free loopback port, the running nodes as seeds and short failure-detection timings,
 * then by {@link #configure}; {@link #onStart} sets it up (registers its handlers) before
 * it joins.
 */
public final class PlainClusterBuilder extends ClusterBuilder<PlainClusterBuilder> {

	private BiConsumer<String, PartisanConfig.Builder> configuration = (name, builder) -> {
	};

	private Consumer<ClusterNode> setup = (node) -> {
	};

	PlainClusterBuilder() {
	}

	/**
	 * Changes each node's configuration after the kit's; called with the node's name, so
	 * nodes can differ (a tag, an overlay).
	 */
	public PlainClusterBuilder configure(BiConsumer<String, PartisanConfig.Builder> configuration) {
		this.configuration = Objects.requireNonNull(configuration, "configuration");
		return this;
	}

	/**
	 * Runs on each node once it has started and before it joins, at every start and
	 * restart: the place to register handlers.
	 */
	public PlainClusterBuilder onStart(Consumer<ClusterNode> setup) {
		this.setup = Objects.requireNonNull(setup, "setup");
		return this;
	}

	@Override
	NodeLauncher launcher() {
		return new PlainNodeLauncher(this.configuration, this.setup);
	}

	@Override
	PlainClusterBuilder self() {
		return this;
	}

}
