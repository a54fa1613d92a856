package dev.partisan.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.runtime.PartisanNode;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs each node as the application's own Spring Boot application, with properties that
 * name it, put it on its loopback port, seed it with the nodes already running and
 * shorten failure detection. They are passed as command-line arguments, which override
 * the application's own configuration files; the test's properties come after the kit's,
 * so a test can change any of them.
 */
final class SpringNodeLauncher implements NodeLauncher {

	/**
	 * Timings short enough that a crash is noticed, and a restarted node rejoins, within
	 * a couple of seconds.
	 */
	static final Map<String, String> TEST_TIMINGS = Map.of("partisan.heartbeat-interval", "100ms",
			"partisan.failure-timeout", "1s", "partisan.gossip-interval", "500ms",
			"partisan.connection-refresh-interval", "20ms", "partisan.join-retry-interval", "200ms",
			"partisan.reconnect-min", "50ms", "partisan.reconnect-max", "500ms");

	private final List<Class<?>> sources;

	private final List<String> profiles;

	private final Map<String, String> properties;

	private final Map<String, Map<String, String>> nodeProperties;

	SpringNodeLauncher(List<Class<?>> sources, List<String> profiles, Map<String, String> properties,
			Map<String, Map<String, String>> nodeProperties) {
		this.sources = List.copyOf(sources);
		this.profiles = List.copyOf(profiles);
		this.properties = new LinkedHashMap<>(properties);
		this.nodeProperties = new LinkedHashMap<>(nodeProperties);
	}

	@Override
	public ClusterNode launch(String name, int port, List<Node> seeds) {
		MembershipRecorder recorder = new MembershipRecorder();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(this.sources.toArray(Class<?>[]::new))
			.profiles(this.profiles.toArray(String[]::new))
			.initializers((applicationContext) -> applicationContext.getBeanFactory()
				.addBeanPostProcessor(new RecordingPostProcessor(recorder)))
			.run(arguments(name, port, seeds));
		PartisanNode partisan;
		try {
			partisan = context.getBean(PartisanNode.class);
		}
		catch (BeansException ex) {
			context.close();
			throw new IllegalStateException("Node " + name + " has no " + PartisanNode.class.getSimpleName()
					+ " bean: the test kit needs the runtime's node (the starter's) to inject faults", ex);
		}
		return new ClusterNode(name, partisan, context, recorder);
	}

	String[] arguments(String name, int port, List<Node> seeds) {
		Map<String, String> merged = new LinkedHashMap<>(TEST_TIMINGS);
		merged.put("spring.main.banner-mode", "off");
		// Several web applications share the JVM: each takes a free HTTP port.
		merged.put("server.port", "0");
		merged.put("partisan.node.name", name);
		merged.put("partisan.node.host", "127.0.0.1");
		merged.put("partisan.node.port", Integer.toString(port));
		// Set even when empty, so seeds in the application's own configuration do not
		// apply.
		merged.put("partisan.seeds", seeds.stream().map(Node::address).collect(Collectors.joining(",")));
		merged.putAll(this.properties);
		merged.putAll(this.nodeProperties.getOrDefault(name, Map.of()));
		// One argument per key: a repeated command-line key would bind as a list of both.
		List<String> arguments = new ArrayList<>();
		merged.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		return arguments.toArray(String[]::new);
	}

	/** Adds the recorder to the node before the application's lifecycle starts it. */
	private static final class RecordingPostProcessor implements BeanPostProcessor {

		private final MembershipRecorder recorder;

		RecordingPostProcessor(MembershipRecorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof Partisan partisan) {
				partisan.addMembershipListener(this.recorder);
			}
			return bean;
		}

	}

}
