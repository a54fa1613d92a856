package dev.partisan.demo.lasp.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.partisan.demo.lasp.LaspDemoApplication;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.demo.lasp.sync.StateSync;
import dev.partisan.test.PartisanCluster;
import dev.partisan.test.SpringClusterBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Demo nodes as full Spring Boot applications in this JVM, started by the Partisan test
 * kit (free loopback ports, fast failure detection, clients seeded with the servers),
 * with a 100 ms sync interval, and an HTTP client for their API.
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

	private final PartisanCluster nodes;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/**
	 * s1, s2, c1, c2, c3 on {@code overlay} (a profile), not started; {@code extra} are
	 * more properties as {@code key=value}.
	 */
	TestCluster(String overlay, String... extra) {
		SpringClusterBuilder builder = PartisanCluster.spring(LaspDemoApplication.class)
			.profiles(overlay)
			.seedsFrom(SERVERS.toArray(String[]::new))
			// Clients of a client-server cluster never see each other: the tests wait for
			// what they need.
			.awaitMembershipOnStart(false)
			.properties("lasp.sync-interval=100ms", "lasp.flush-timeout=2s")
			.properties(extra);
		SERVERS.forEach((name) -> builder.node(name, "partisan.node.tag=server"));
		CLIENTS.forEach((name) -> builder.node(name, "partisan.node.tag=client"));
		this.nodes = builder.build();
	}

	/**
	 * Starts s1, s2, c1, c2, c3; every node after s1 joins through the servers already
	 * running.
	 */
	void startAll() {
		this.nodes.start();
	}

	/** Starts a stopped node again, at its address, joining through the servers. */
	ConfigurableApplicationContext start(String name) {
		return this.nodes.restart(name).context();
	}

	List<String> names() {
		return this.nodes.names();
	}

	ConfigurableApplicationContext node(String name) {
		return this.nodes.node(name).context();
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

	/** Stops a node as its application would on shutdown. */
	void stop(String name) {
		this.nodes.stop(name);
	}

	Response view(String name, String ad) {
		return send(name,
				HttpRequest.newBuilder(uri(name, "/ads/" + ad + "/view")).POST(HttpRequest.BodyPublishers.noBody()));
	}

	Response get(String name, String path) {
		return send(name, HttpRequest.newBuilder(uri(name, path)).GET());
	}

	/**
	 * How many times the timer {@code metric} has recorded on {@code name}, with the tags
	 * given as {@code key:value}, as {@code /actuator/metrics} reports it; 0 while it has
	 * no such timer.
	 */
	long timerCount(String name, String metric, String... tags) {
		StringBuilder path = new StringBuilder("/actuator/metrics/").append(metric);
		for (int i = 0; i < tags.length; i++) {
			path.append((i == 0) ? '?' : '&').append("tag=").append(tags[i]);
		}
		Response response = get(name, path.toString());
		if (response.status() == 404) {
			return 0;
		}
		if (response.status() != 200) {
			throw new IllegalStateException(path + " on " + name + ": " + response.status() + " " + response.body());
		}
		for (JsonNode measurement : response.json().get("measurements")) {
			if (measurement.get("statistic").asString().equals("COUNT")) {
				return measurement.get("value").asLong();
			}
		}
		throw new IllegalStateException(path + " on " + name + " has no COUNT: " + response.body());
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
		this.nodes.close();
	}

}
