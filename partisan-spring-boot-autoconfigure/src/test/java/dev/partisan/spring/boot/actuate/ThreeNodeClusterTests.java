package dev.partisan.spring.boot.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.actuate.ClusterTestApplication.Put;
import dev.partisan.spring.boot.actuate.ClusterTestApplication.Stored;
import dev.partisan.spring.core.PartisanTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three Spring Boot applications in one JVM, seeded at the first: messages and calls
 * through the template reach an annotated handler, actuator shows the cluster over HTTP,
 * and a stopped node is announced as a member-down event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterTests {

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void startThreeApplications() {
		ConfigurableApplicationContext first = start("n1", null);
		String seed = "n1@127.0.0.1:" + first.getBean(Partisan.class).localNode().port();
		start("n2", seed);
		start("n3", seed);
		for (ConfigurableApplicationContext node : nodes) {
			await().atMost(LIMIT).until(() -> node.getBean(Partisan.class).members().size() == 3);
		}
	}

	private static ConfigurableApplicationContext start(String name, String seed) {
		List<String> args = new ArrayList<>(
				List.of("--spring.main.banner-mode=off", "--server.port=0", "--management.server.port=0",
						"--management.endpoints.web.exposure.include=health,metrics,partisan,partisanchannels",
						"--management.endpoint.health.show-details=always", "--partisan.node.name=" + name,
						"--partisan.node.port=0", "--partisan.channels.vnode.parallelism=2",
						"--partisan.heartbeat-interval=100ms", "--partisan.failure-timeout=1s",
						"--partisan.connection-refresh-interval=20ms", "--partisan.join-retry-interval=200ms",
						// RabbitMQ is on the class path for the pub-sub tests; this
						// cluster does not use it.
						"--management.health.rabbit.enabled=false"));
		if (seed != null) {
			args.add("--partisan.seeds=" + seed);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterTestApplication.class)
			.run(args.toArray(String[]::new));
		nodes.add(context);
		return context;
	}

	@AfterAll
	static void stopAll() {
		nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	@Order(1)
	void aMessageAndACallFromNodeThreeReachTheHandlerOnNodeOneAndActuatorShowsIt() throws Exception {
		PartisanTemplate template = nodes.get(2).getBean(PartisanTemplate.class);
		template.send("n1", "store", new Put("k1", "v1"));
		Stored stored = template.call("n1", "store", new Put("k2", "v2"), Stored.class).get();
		assertThat(stored).isEqualTo(new Stored("k2", "n3"));
		ClusterTestApplication.Store store = nodes.get(0).getBean(ClusterTestApplication.Store.class);
		await().atMost(LIMIT)
			.untilAsserted(() -> assertThat(store.received).contains(new Put("k1", "v1"), new Put("k2", "v2")));

		JsonNode cluster = get(nodes.get(0), "/actuator/partisan");
		assertThat(cluster.get("overlay").asString()).isEqualTo("full-mesh");
		assertThat(cluster.get("node").get("name").asString()).isEqualTo("n1");
		List<String> up = new ArrayList<>();
		cluster.get("members").forEach((m) -> {
			if (m.get("state").asString().equals("up")) {
				up.add(m.get("name").asString());
			}
		});
		assertThat(up).containsExactlyInAnyOrder("n1", "n2", "n3");

		JsonNode sender = get(nodes.get(2), "/actuator/partisanchannels/n1");
		long sent = 0;
		for (JsonNode lane : sender.get("vnode")) {
			sent += lane.get("sentMessages").asLong();
		}
		assertThat(sent).isGreaterThanOrEqualTo(2);
		JsonNode receiver = get(nodes.get(0), "/actuator/partisanchannels");
		long received = 0;
		for (JsonNode lane : receiver.get("n3").get("vnode")) {
			received += lane.get("receivedMessages").asLong();
		}
		assertThat(received).isGreaterThanOrEqualTo(2);

		MeterRegistry meters = nodes.get(2).getBean(MeterRegistry.class);
		assertThat(meters.find("partisan.lane.sent.messages").tags("peer", "n1", "channel", "vnode").functionCounters())
			.isNotEmpty();
		assertThat(meters.find("partisan.lane.queue.bytes").tags("peer", "n1", "channel", "vnode", "lane", "0").gauge())
			.isNotNull();
		JsonNode metric = get(nodes.get(2),
				"/actuator/metrics/partisan.lane.sent.messages?tag=peer:n1&tag=channel:vnode");
		assertThat(metric.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(2);

		JsonNode health = get(nodes.get(0), "/actuator/health");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("partisan").get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("partisan").get("details").get("members").size()).isEqualTo(3);
	}

	@Test
	@Order(2)
	void stoppingANodePublishesAMemberDownEventOnTheOthersAndActuatorShowsWhy() throws Exception {
		ConfigurableApplicationContext n2 = nodes.get(1);
		java.util.List<String> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
		nodes.get(2).getBean(PartisanTemplate.class).watch("n2", (reason) -> watched.add("n2 " + reason));
		n2.close();
		for (ConfigurableApplicationContext survivor : List.of(nodes.get(0), nodes.get(2))) {
			ClusterTestApplication.MembershipEvents events = survivor
				.getBean(ClusterTestApplication.MembershipEvents.class);
			await().atMost(LIMIT).untilAsserted(() -> assertThat(events.events).contains("down n2 LEFT"));
			assertThat(survivor.getBean(Partisan.class).members()).hasSize(2);
		}
		await().atMost(LIMIT)
			.untilAsserted(() -> assertThat(watched).as("the template's watch").containsExactly("n2 LEFT"));
		JsonNode gone = null;
		for (JsonNode member : get(nodes.get(0), "/actuator/partisan").get("members")) {
			if (member.get("name").asString().equals("n2")) {
				gone = member;
			}
		}
		assertThat(gone).as("n2 in n1's members").isNotNull();
		assertThat(gone.get("state").asString()).isEqualTo("down");
		assertThat(gone.get("reason").asString()).isEqualTo("left");
	}

	private JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		String port = context.getEnvironment().getProperty("local.management.port");
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body());
	}

}
