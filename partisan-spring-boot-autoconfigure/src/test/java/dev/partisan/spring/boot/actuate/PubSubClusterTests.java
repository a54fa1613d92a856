package dev.partisan.spring.boot.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.actuate.ClusterTestApplication.Put;
import dev.partisan.spring.boot.actuate.ClusterTestApplication.Stored;
import dev.partisan.spring.core.PartisanTemplate;
import dev.partisan.testing.BrokerProxy;
import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestBroker;
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
 * Three Spring Boot applications on {@code partisan.overlay: pubsub}, configured only
 * through {@code spring.rabbitmq.*} and {@code partisan.*}, against a real broker: they
 * find each other with no seeds, the template's send and call work, actuator shows the
 * broker and per-channel counts, and a node that loses the broker without leaving is
 * announced as a member-down event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PubSubClusterTests {

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private static final String EXCHANGE = "partisan-test-" + UUID.randomUUID().toString().substring(0, 8);

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private static BrokerProxy n3Link;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void startThreeApplications() throws Exception {
		TestBroker broker = TestBroker.get();
		n3Link = new BrokerProxy(broker.host(), broker.port());
		start("p1", broker.port());
		start("p2", broker.port());
		start("p3", n3Link.port());
		for (ConfigurableApplicationContext node : nodes) {
			await().atMost(LIMIT).until(() -> node.getBean(Partisan.class).members().size() == 3);
		}
	}

	private static void start(String name, int brokerPort) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterTestApplication.class).run(
				"--spring.main.banner-mode=off", "--server.port=0", "--management.server.port=0",
				"--management.endpoints.web.exposure.include=health,partisan,partisanchannels",
				"--management.endpoint.health.show-details=always", "--spring.rabbitmq.host=127.0.0.1",
				"--spring.rabbitmq.port=" + brokerPort, "--spring.rabbitmq.username=guest",
				"--spring.rabbitmq.password=guest", "--spring.rabbitmq.connection-timeout=2s",
				"--partisan.overlay=pubsub", "--partisan.pubsub.exchange=" + EXCHANGE,
				"--partisan.pubsub.queue-expiry=30s", "--partisan.node.name=" + name,
				"--partisan.channels.vnode.parallelism=2", "--partisan.heartbeat-interval=100ms",
				"--partisan.failure-timeout=1500ms");
		nodes.add(context);
	}

	@AfterAll
	static void stopAll() throws Exception {
		nodes.forEach(ConfigurableApplicationContext::close);
		n3Link.close();
	}

	@Test
	@Order(1)
	void theTemplateSendsAndCallsThroughTheBrokerAndActuatorShowsIt() throws Exception {
		PartisanTemplate template = nodes.get(2).getBean(PartisanTemplate.class);
		template.send("p1", "store", new Put("k1", "v1"));
		Stored stored = template.call("p1", "store", new Put("k2", "v2"), Stored.class).get();
		assertThat(stored).isEqualTo(new Stored("k2", "p3"));
		ClusterTestApplication.Store store = nodes.get(0).getBean(ClusterTestApplication.Store.class);
		await().atMost(LIMIT)
			.untilAsserted(() -> assertThat(store.received).contains(new Put("k1", "v1"), new Put("k2", "v2")));

		JsonNode cluster = get(nodes.get(0), "/actuator/partisan");
		assertThat(cluster.get("overlay").asString()).isEqualTo("pubsub");
		assertThat(cluster.get("transport").get("kind").asString()).isEqualTo("amqp");
		assertThat(cluster.get("transport").get("brokerConnected").asBoolean()).isTrue();
		List<String> up = new ArrayList<>();
		cluster.get("members").forEach((m) -> {
			if (m.get("state").asString().equals("up")) {
				up.add(m.get("name").asString());
			}
		});
		assertThat(up).containsExactlyInAnyOrder("p1", "p2", "p3");

		long published = 0;
		for (JsonNode lane : get(nodes.get(2), "/actuator/partisanchannels/p1").get("vnode")) {
			published += lane.get("sentMessages").asLong();
		}
		assertThat(published).isGreaterThanOrEqualTo(2);
		long consumed = 0;
		for (JsonNode lane : get(nodes.get(0), "/actuator/partisanchannels").get("p3").get("vnode")) {
			consumed += lane.get("receivedMessages").asLong();
		}
		assertThat(consumed).isGreaterThanOrEqualTo(2);

		JsonNode health = get(nodes.get(0), "/actuator/health");
		assertThat(health.get("components").get("partisan").get("status").asString()).isEqualTo("UP");
	}

	@Test
	@Order(2)
	void aBrokerBlipTheNodeRecoversFromLogsAWarningAndNoError() throws Exception {
		PartisanTemplate template = nodes.get(2).getBean(PartisanTemplate.class);
		try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
			// p3's broker connection drops and is back 0.4 s later, well within the
			// failure timeout: nobody sees a member go down.
			n3Link.cut();
			Thread.sleep(400);
			n3Link.restore();
			// A call sent while the blip is still settling may be lost (best effort) and
			// time out: it is tried again, within the bound.
			await().atMost(LIMIT).ignoreExceptions().untilAsserted(() -> {
				assertThat(nodes.get(2).getBean(Partisan.class).transportDetails()).containsEntry("brokerConnected",
						true);
				// Through p3's consumers too: the reply comes back on its control queue.
				assertThat(template.call("p1", "store", new Put("k3", "v3"), Stored.class).get(2, TimeUnit.SECONDS))
					.isEqualTo(new Stored("k3", "p3"));
			});
			assertThat(log.atLeast(Level.WARN)).as("the loss is reported")
				.anyMatch((line) -> line.contains("p3 lost the AMQP broker"));
			assertThat(log.atLeast(Level.ERROR)).as("a recovered blip is no error").isEmpty();
		}
	}

	@Test
	@Order(3)
	void aNodeThatLosesTheBrokerIsAMemberDownEventOnTheOthers() throws Exception {
		n3Link.cut(); // p3 vanishes from the broker without a word: only the failure
						// timeout can tell
		for (ConfigurableApplicationContext survivor : List.of(nodes.get(0), nodes.get(1))) {
			ClusterTestApplication.MembershipEvents events = survivor
				.getBean(ClusterTestApplication.MembershipEvents.class);
			await().atMost(LIMIT).untilAsserted(() -> assertThat(events.events).contains("down p3 UNREACHABLE"));
			assertThat(survivor.getBean(Partisan.class).members()).hasSize(2);
		}
		await().atMost(LIMIT)
			.untilAsserted(() -> assertThat(get(nodes.get(2), "/actuator/health", 503).get("components")
				.get("partisan")
				.get("status")
				.asString()).isEqualTo("DOWN"));
	}

	private JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		return get(context, path, 200);
	}

	private JsonNode get(ConfigurableApplicationContext context, String path, int status) throws Exception {
		String port = context.getEnvironment().getProperty("local.management.port");
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(status);
		return JsonMapper.builder().build().readTree(response.body());
	}

}
