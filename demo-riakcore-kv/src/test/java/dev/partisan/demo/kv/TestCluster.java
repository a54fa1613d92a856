package dev.partisan.demo.kv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Demo nodes as full Spring Boot applications in this JVM, on free loopback ports, with
 * fast failure detection and gossip, and an HTTP client for their API.
 */
final class TestCluster implements AutoCloseable {

	record Response(int status, String body) {
	}

	private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<String> extra;

	TestCluster(String... extra) {
		this.extra = List.of(extra);
	}

	ConfigurableApplicationContext start(String name, @Nullable String seed) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--partisan.node.name=" + name,
				"--partisan.node.port=0", "--partisan.heartbeat-interval=100ms", "--partisan.failure-timeout=1s",
				"--partisan.connection-refresh-interval=20ms", "--partisan.join-retry-interval=200ms",
				"--partisan.handler-threads=8", "--kv.gossip-interval=200ms", "--kv.request-timeout=1s",
				"--kv.handoff-timeout=3s", "--management.endpoints.web.exposure.include=health"));
		if (seed != null) {
			args.add("--partisan.seeds=" + seed);
		}
		args.addAll(this.extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(KvDemoApplication.class)
			.profiles("partisan")
			.run(args.toArray(String[]::new));
		this.nodes.put(name, context);
		return context;
	}

	String seedOf(String name) {
		return name + "@127.0.0.1:" + node(name).getBean(Partisan.class).localNode().port();
	}

	ConfigurableApplicationContext node(String name) {
		return this.nodes.get(name);
	}

	<T> T bean(String name, Class<T> type) {
		return node(name).getBean(type);
	}

	Ring ring(String name) {
		return bean(name, RingManager.class).current();
	}

	void stop(String name) {
		ConfigurableApplicationContext context = this.nodes.remove(name);
		if (context != null) {
			context.close();
		}
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
		new ArrayList<>(this.nodes.keySet()).forEach(this::stop);
	}

}
