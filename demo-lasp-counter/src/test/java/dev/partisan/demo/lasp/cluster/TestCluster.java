package dev.partisan.demo.lasp.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.partisan.api.Partisan;
import dev.partisan.demo.lasp.LaspDemoApplication;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.demo.lasp.sync.StateSync;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Demo nodes as full Spring Boot applications in this JVM, on free loopback ports, with
 * fast failure detection and a 100 ms sync interval, and an HTTP client for their API.
 */
final class TestCluster implements AutoCloseable {

	static final List<String> SERVERS = List.of("s1", "s2");

	static final List<String> CLIENTS = List.of("c1", "c2", "c3");

	record Response(int status, String body) {

		JsonNode json() {
			return MAPPER.readTree(this.body);
		}

	}

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String overlay;

	private final List<String> extra;

	TestCluster(String overlay, String... extra) {
		this.overlay = overlay;
		this.extra = List.of(extra);
	}

	/**
	 * Starts s1, s2, c1, c2, c3; every node after s1 joins through the servers already
	 * running.
	 */
	void startAll() {
		for (String name : SERVERS) {
			start(name);
		}
		for (String name : CLIENTS) {
			start(name);
		}
	}

	ConfigurableApplicationContext start(String name) {
		String tag = SERVERS.contains(name) ? "server" : "client";
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--partisan.node.name=" + name,
				"--partisan.node.tag=" + tag, "--partisan.node.port=0", "--partisan.heartbeat-interval=100ms",
				"--partisan.failure-timeout=1s", "--partisan.connection-refresh-interval=20ms",
				"--partisan.join-retry-interval=200ms", "--lasp.sync-interval=100ms", "--lasp.flush-timeout=2s",
				"--management.endpoints.web.exposure.include=health"));
		List<String> seeds = SERVERS.stream().filter(this.nodes::containsKey).map(this::seedOf).toList();
		if (!seeds.isEmpty()) {
			args.add("--partisan.seeds=" + String.join(",", seeds));
		}
		args.addAll(this.extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LaspDemoApplication.class)
			.profiles(this.overlay)
			.run(args.toArray(String[]::new));
		this.nodes.put(name, context);
		return context;
	}

	String seedOf(String name) {
		return name + "@127.0.0.1:" + node(name).getBean(Partisan.class).localNode().port();
	}

	List<String> names() {
		return List.copyOf(this.nodes.keySet());
	}

	ConfigurableApplicationContext node(String name) {
		ConfigurableApplicationContext context = this.nodes.get(name);
		if (context == null) {
			throw new IllegalArgumentException("No node " + name + " running");
		}
		return context;
	}

	<T> T bean(String name, Class<T> type) {
		return node(name).getBean(type);
	}

	Replica replica(String name) {
		return bean(name, Replica.class);
	}

	/**
	 * The total views of {@code ad} on {@code name}'s replica, -1 when it does not know
	 * the ad.
	 */
	long total(String name, String ad) {
		return replica(name).get(ad).map(AdState::total).orElse(-1L);
	}

	boolean knows(String name, List<String> ads) {
		return replica(name).snapshot().ads().keySet().containsAll(ads);
	}

	int neighbours(String name) {
		return bean(name, StateSync.class).neighbours().size();
	}

	void stop(String name) {
		ConfigurableApplicationContext context = this.nodes.remove(name);
		if (context != null) {
			context.close();
		}
	}

	Response view(String name, String ad) {
		return send(name,
				HttpRequest.newBuilder(uri(name, "/ads/" + ad + "/view")).POST(HttpRequest.BodyPublishers.noBody()));
	}

	Response get(String name, String path) {
		return send(name, HttpRequest.newBuilder(uri(name, path)).GET());
	}

	private URI uri(String name, String path) {
		String port = node(name).getEnvironment().getProperty("local.server.port");
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private Response send(String name, HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body());
		}
		catch (Exception ex) {
			throw new IllegalStateException("HTTP to " + name + " failed", ex);
		}
	}

	@Override
	public void close() {
		List<String> running = new ArrayList<>(this.nodes.keySet());
		for (int i = running.size() - 1; i >= 0; i--) {
			stop(running.get(i));
		}
	}

}
