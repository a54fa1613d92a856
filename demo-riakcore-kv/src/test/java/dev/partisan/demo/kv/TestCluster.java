package dev.partisan.demo.kv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.test.PartisanCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Demo nodes as full Spring Boot applications in this JVM, started by the Partisan test
 * kit (free loopback ports, fast failure detection), with fast gossip and an HTTP client
 * for their API.
 */
final class TestCluster implements AutoCloseable {

	record Response(int status, String body, String contentType) {
	}

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final PartisanCluster nodes;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/**
	 * n1, n2 and n3, not started; {@code extra} are more properties as {@code key=value}.
	 */
	TestCluster(String... extra) {
		this.nodes = PartisanCluster.spring(KvDemoApplication.class)
			.nodes("n1", "n2", "n3")
			.profiles("partisan")
			.properties("partisan.handler-threads=8", "kv.gossip-interval=200ms", "kv.request-timeout=1s",
					"kv.handoff-timeout=3s")
			.properties(extra)
			.build();
	}

	/**
	 * Starts n1, n2 and n3, each seeded with those before it, and waits until they see
	 * each other.
	 */
	void start() {
		this.nodes.start();
	}

	/** Starts one more node, seeded with the running ones. */
	ConfigurableApplicationContext start(String name) {
		return this.nodes.start(name).context();
	}

	PartisanCluster nodes() {
		return this.nodes;
	}

	ConfigurableApplicationContext node(String name) {
		return this.nodes.node(name).context();
	}

	<T> T bean(String name, Class<T> type) {
		return this.nodes.bean(name, type);
	}

	Ring ring(String name) {
		return bean(name, RingManager.class).current();
	}

	/** Stops a node as its application would on shutdown: it leaves, handing off. */
	void stop(String name) {
		this.nodes.stop(name);
	}

	/** Kills a node: no leave, no handoff; the others find it down. */
	void crash(String name) {
		this.nodes.crash(name);
	}

	Response put(String name, String key, String value) {
		return send(name, HttpRequest.newBuilder(uri(name, "/kv/" + key))
			.PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
	}

	Response get(String name, String path) {
		return send(name, HttpRequest.newBuilder(uri(name, path)).GET());
	}

	Response post(String name, String path) {
		return send(name, HttpRequest.newBuilder(uri(name, path)).POST(HttpRequest.BodyPublishers.noBody()));
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
		for (JsonNode measurement : MAPPER.readTree(response.body()).get("measurements")) {
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
			return new Response(response.statusCode(), response.body(),
					response.headers().firstValue("Content-Type").orElse(""));
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
