package dev.partisan.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster whose nodes are the application's own Spring Boot application, one context
 * per node. Each node gets, as command-line properties, its name
 * ({@code partisan.node.name}), a free loopback port ({@code partisan.node.host},
 * {@code partisan.node.port}), the nodes already running as seeds
 * ({@code partisan.seeds}), {@code server.port=0}, and short failure-detection timings;
 * {@link #properties} and {@link #node(String, String...)} come after them, so the test
 * can change any.
 */
public final class SpringClusterBuilder extends ClusterBuilder<SpringClusterBuilder> {

	private final List<Class<?>> sources;

	private final List<String> profiles = new ArrayList<>();

	private final Map<String, String> properties = new LinkedHashMap<>();

	private final Map<String, Map<String, String>> nodeProperties = new LinkedHashMap<>();

	SpringClusterBuilder(List<Class<?>> sources) {
		if (sources.isEmpty()) {
			throw new IllegalArgumentException("Name the application's class, as for SpringApplication.run");
		}
		this.sources = List.copyOf(sources);
	}

	/** Properties of every node, each as {@code key=value}. */
	public SpringClusterBuilder properties(String... keyValues) {
		putAll(this.properties, keyValues);
		return this;
	}

	/**
	 * Adds a node with properties of its own ({@code key=value}), which win over
	 * {@link #properties}: a tag, a profile-specific setting.
	 */
	public SpringClusterBuilder node(String name, String... keyValues) {
		add(name);
		putAll(this.nodeProperties.computeIfAbsent(name, (n) -> new LinkedHashMap<>()), keyValues);
		return this;
	}

	/** Spring profiles active on every node. */
	public SpringClusterBuilder profiles(String... profiles) {
		this.profiles.addAll(List.of(profiles));
		return this;
	}

	@Override
	NodeLauncher launcher() {
		return new SpringNodeLauncher(this.sources, this.profiles, this.properties, this.nodeProperties);
	}

	@Override
	SpringClusterBuilder self() {
		return this;
	}

	private static void putAll(Map<String, String> target, String... keyValues) {
		for (String keyValue : keyValues) {
			int equals = keyValue.indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException("Write a property as key=value, not '" + keyValue + "'");
			}
			target.put(keyValue.substring(0, equals).trim(), keyValue.substring(equals + 1));
		}
	}

}
