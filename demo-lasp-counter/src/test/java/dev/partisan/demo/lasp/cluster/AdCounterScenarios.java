package dev.partisan.demo.lasp.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.demo.lasp.cluster.TestCluster.Response;
import dev.partisan.demo.lasp.sync.AdUpdateCodec;
import dev.partisan.runtime.PartisanConfig;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What must hold on every overlay, run once per overlay by the subclasses with the same
 * code and only the overlay profile changed: two servers and three clients in one JVM,
 * each a full application.
 *
 * <p>
 * <b>The overshoot bound.</b> A client refuses a view once its own replica counts
 * {@code threshold} impressions, and its own views show in its replica at once. If every
 * replica has seen {@code v} views of an ad when a burst of concurrent views begins,
 * client <i>i</i>'s replica counts at least {@code v + n_i} after <i>n_i</i> of its own
 * views, so it accepts at most {@code threshold - v}: the final total is at most
 * {@code v + clients × (threshold - v)}, an overshoot of at most
 * {@code (clients - 1) × (threshold - v)}. With {@code v} three short of the threshold
 * and three clients, that is at most 6 views over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdCounterScenarios {

	static final Duration LIMIT = Duration.ofSeconds(15);

	static final int THRESHOLD = 60;

	static final List<String> ADS = List.of("ad-1", "ad-2", "ad-3", "ad-4", "ad-5");

	TestCluster cluster;

	abstract String overlay();

	@BeforeAll
	void startCluster() {
		this.cluster = new TestCluster(overlay(), "lasp.threshold=" + THRESHOLD, "lasp.ads=" + String.join(",", ADS));
		this.cluster.startAll();
		await().atMost(LIMIT).untilAsserted(() -> {
			for (String node : this.cluster.names()) {
				assertThat(this.cluster.knows(node, ADS)).as("%s knows every ad", node).isTrue();
				assertThat(this.cluster.neighbours(node)).as("%s has neighbours", node).isPositive();
			}
		});
	}

	@AfterAll
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void everyNodeSendsItsStateInTheDemosBinaryCodecNotAsJson() {
		for (String name : List.of("s1", "s2", "c1", "c2", "c3")) {
			assertThat(this.cluster.bean(name, PartisanConfig.class).codecs())
				.anySatisfy((codec) -> assertThat(codec).isInstanceOf(AdUpdateCodec.class));
		}
	}

	@Test
	void concurrentViewsOnEveryClientConvergeToTheExactTotalEverywhere() throws Exception {
		// Two threads per client: views on one client race each other as well as the
		// other clients.
		Map<String, Integer> accepted = burst("ad-1", 7, 2);
		assertThat(accepted.values()).allSatisfy((n) -> assertThat(n).isEqualTo(14));

		awaitTotalEverywhere("ad-1", 42);
		Response ads = this.cluster.get("s2", "/ads");
		JsonNode ad1 = find(ads.json().get("ads"), "ad-1");
		assertThat(ad1.get("views").asLong()).isEqualTo(42);
		assertThat(ad1.get("enabled").asBoolean()).isTrue();
		// Each client's own entry holds exactly its own views on every replica: nothing
		// counted twice.
		for (String client : TestCluster.CLIENTS) {
			String entry = this.cluster.replica(client).replicaId();
			for (String node : this.cluster.names()) {
				assertThat(this.cluster.replica(node).get("ad-1").orElseThrow().views().countOf(entry))
					.as("%s's entry on %s", client, node)
					.isEqualTo(14);
			}
		}
	}

	@Test
	void anAdReachingItsThresholdIsDisabledEverywhereWithinTheDocumentedOvershoot() throws Exception {
		int before = THRESHOLD - 3;
		// 57 views, 19 per client, then wait until every replica has them all: v = 57.
		Map<String, Integer> first = burst("ad-2", before / 3, 1);
		assertThat(first.values()).allSatisfy((n) -> assertThat(n).isEqualTo(before / 3));
		awaitTotalEverywhere("ad-2", before);

		// Now every client tries 10 more at once.
		Map<String, Integer> second = burst("ad-2", 10, 1);
		int extra = second.values().stream().mapToInt(Integer::intValue).sum();
		int bound = (THRESHOLD - before) * TestCluster.CLIENTS.size();
		assertThat(second.values()).allSatisfy((n) -> assertThat(n).isBetween(0, THRESHOLD - before));
		assertThat(before + extra).as("final total").isBetween(THRESHOLD, before + bound);

		awaitTotalEverywhere("ad-2", before + extra);
		await().atMost(LIMIT).untilAsserted(() -> {
			for (String node : this.cluster.names()) {
				assertThat(this.cluster.replica(node).get("ad-2").orElseThrow().disabled())
					.as("the servers' flag reached %s", node)
					.isTrue();
			}
		});
		for (String client : TestCluster.CLIENTS) {
			Response refused = this.cluster.view(client, "ad-2");
			assertThat(refused.status()).isEqualTo(409);
			JsonNode body = refused.json();
			assertThat(body.get("error").asString()).isEqualTo("ad disabled");
			assertThat(body.get("views").asLong()).isEqualTo(before + extra);
			assertThat(body.get("threshold").asLong()).isEqualTo(THRESHOLD);
		}
		JsonNode ad2 = find(this.cluster.get("c3", "/ads").json().get("ads"), "ad-2");
		assertThat(ad2.get("enabled").asBoolean()).isFalse();
		// The other ads are still shown.
		assertThat(this.cluster.view("c1", "ad-5").status()).isEqualTo(200);
	}

	@Test
	void clearErrorsForUnknownAdsAndViewsOnServers() {
		Response unknown = this.cluster.view("c2", "no-such-ad");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.json().get("error").asString()).isEqualTo("unknown ad");
		Response server = this.cluster.view("s1", "ad-1");
		assertThat(server.status()).isEqualTo(400);
		assertThat(server.json().get("error").asString()).isEqualTo("not a client");
		Response crdt = this.cluster.get("s1", "/crdt");
		assertThat(crdt.status()).isEqualTo(200);
		assertThat(crdt.json().get("state").has("ad-1")).isTrue();
	}

	/**
	 * The demo's configuration turns the live cluster page and observations on: every
	 * node serves the page under the actuator, and the state every node pushes on the
	 * {@code crdt} channel each sync round is observed where it is sent
	 * ({@code partisan.send}) and where it is handled ({@code partisan.receive}), as
	 * {@code /actuator/metrics} shows them.
	 */
	@Test
	void everyNodeServesTheLivePageAndObservesTheStateItSendsAndReceives() {
		for (String node : this.cluster.names()) {
			Response page = this.cluster.get(node, "/actuator/partisandashboard");
			assertThat(page.status()).as(node).isEqualTo(200);
			assertThat(page.body()).as(node)
				.contains("<script src=\"partisandashboard/dashboard.js\">",
						"href=\"partisandashboard/dashboard.css\"");
			assertThat(this.cluster.get(node, "/actuator/partisandashboard/dashboard.js").status()).isEqualTo(200);
		}
		await().atMost(LIMIT).untilAsserted(() -> {
			for (String node : this.cluster.names()) {
				assertThat(this.cluster.timerCount(node, "partisan.send", "partisan.channel:crdt",
						"partisan.outcome:sent"))
					.as("state sent by %s", node)
					.isPositive();
				assertThat(this.cluster.timerCount(node, "partisan.receive", "partisan.channel:crdt",
						"partisan.outcome:handled"))
					.as("state handled by %s", node)
					.isPositive();
			}
		});
	}

	/**
	 * Every client views {@code ad} {@code perThread} times from each of {@code threads}
	 * threads, all at once; returns how many views each client accepted.
	 */
	Map<String, Integer> burst(String ad, int perThread, int threads) throws Exception {
		Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(TestCluster.CLIENTS.size() * threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (String client : TestCluster.CLIENTS) {
				AtomicInteger count = accepted.computeIfAbsent(client, (c) -> new AtomicInteger());
				for (int t = 0; t < threads; t++) {
					done.add(pool.submit(() -> {
						for (int i = 0; i < perThread; i++) {
							Response response = this.cluster.view(client, ad);
							if (response.status() == 200) {
								count.incrementAndGet();
							}
							else {
								assertThat(response.status()).as(response.body()).isEqualTo(409);
							}
						}
					}));
				}
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		Map<String, Integer> result = new ConcurrentHashMap<>();
		accepted.forEach((client, count) -> result.put(client, count.get()));
		return result;
	}

	void awaitTotalEverywhere(String ad, long total) {
		await().atMost(LIMIT).untilAsserted(() -> {
			for (String node : this.cluster.names()) {
				assertThat(this.cluster.total(node, ad)).as("%s on %s", ad, node).isEqualTo(total);
			}
		});
	}

	static JsonNode find(JsonNode ads, String id) {
		for (JsonNode ad : ads) {
			if (ad.get("id").asString().equals(id)) {
				return ad;
			}
		}
		throw new AssertionError("No " + id + " in " + ads);
	}

}
