package dev.partisan.demo.kv;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.TestCluster.Response;
import dev.partisan.demo.kv.antientropy.AntiEntropy;
import dev.partisan.demo.kv.kv.KvService;
import dev.partisan.demo.kv.kv.Replica;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.vnode.Versioned;
import dev.partisan.demo.kv.vnode.Vnode;
import dev.partisan.demo.kv.vnode.VnodeManager;
import dev.partisan.test.Fault;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance, on three (then four) demo applications in one JVM: quorum reads
 * and writes through any node, last-writer-wins convergence, clear errors, surviving a
 * crashed node, anti-entropy, and a ring that rebalances with handoff as nodes join and
 * leave. Anti-entropy runs only when a test asks, so what handoff and read repair do is
 * not masked by it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvClusterTests {

	private static final Duration LIMIT = Duration.ofSeconds(20);

	private static final List<String> KEYS = new ArrayList<>();

	private static final TestCluster cluster = new TestCluster("kv.anti-entropy-interval=1h");

	@BeforeAll
	static void startThreeNodes() {
		cluster.start();
		awaitRing(Set.of("n1", "n2", "n3"));
		for (int i = 0; i < 30; i++) {
			KEYS.add("key-" + i);
		}
	}

	@AfterAll
	static void stopAll() {
		cluster.close();
	}

	@Test
	@Order(1)
	void aPutThroughNodeOneIsReadThroughNodeThree() {
		Response put = cluster.put("n1", "hello", "world");
		assertThat(put.status()).as(put.body()).isEqualTo(200);
		assertThat(put.body()).contains("\"replicas\":[\"vnode-");

		Response get = cluster.get("n3", "/kv/hello");
		assertThat(get.status()).isEqualTo(200);
		assertThat(get.body()).isEqualTo("world");

		assertThat(cluster.get("n2", "/kv/never-written").status()).isEqualTo(404);

		Ring ring = cluster.ring("n1");
		assertThat(ring.ownership().values()).allSatisfy((owned) -> assertThat(owned.size()).isBetween(21, 22));
		Response ringJson = cluster.get("n2", "/ring");
		assertThat(ringJson.body()).contains("\"members\":[\"n1\",\"n2\",\"n3\"]", "\"version\":" + ring.version());
	}

	/**
	 * The demo's configuration turns the live cluster page on; through Spring MVC it is
	 * served with its assets under the actuator, and the data it reads is there. (The
	 * page itself is tested in a browser in the auto-configuration module.)
	 */
	@Test
	@Order(1)
	void theLiveClusterPageIsServedWithItsAssetsAndData() {
		Response page = cluster.get("n1", "/actuator/partisandashboard");
		assertThat(page.status()).as(page.body()).isEqualTo(200);
		assertThat(page.contentType()).startsWith("text/html");
		assertThat(page.body()).contains("<script src=\"partisandashboard/dashboard.js\">",
				"href=\"partisandashboard/dashboard.css\"");
		Response script = cluster.get("n1", "/actuator/partisandashboard/dashboard.js");
		assertThat(script.status()).isEqualTo(200);
		assertThat(script.contentType()).startsWith("text/javascript");
		assertThat(script.body()).contains("read('partisanchannels')");
		Response style = cluster.get("n1", "/actuator/partisandashboard/dashboard.css");
		assertThat(style.status()).isEqualTo(200);
		assertThat(style.contentType()).startsWith("text/css");
		assertThat(cluster.get("n1", "/actuator/partisandashboard/application.yml").status()).isEqualTo(404);
		Response members = cluster.get("n1", "/actuator/partisan");
		assertThat(members.status()).isEqualTo(200);
		assertThat(members.body()).contains("\"name\":\"n2\"", "\"name\":\"n3\"");
		assertThat(cluster.get("n1", "/actuator/partisanchannels").status()).isEqualTo(200);
	}

	/**
	 * The demo's configuration turns observations on: a put's calls to the replicas on
	 * other nodes are timed on the coordinator ({@code partisan.call}) and on those
	 * replicas ({@code partisan.receive}), tagged with the {@code vnode} channel, as
	 * {@code /actuator/metrics} shows them.
	 */
	@Test
	@Order(1)
	void aPutsCallsToTheReplicasAreObservedOnBothSides() {
		String[] called = { "partisan.channel:vnode", "partisan.outcome:sent" };
		String[] handled = { "partisan.channel:vnode", "partisan.outcome:handled" };
		long callsBefore = cluster.timerCount("n1", "partisan.call", called);
		long receivedBefore = cluster.timerCount("n2", "partisan.receive", handled)
				+ cluster.timerCount("n3", "partisan.receive", handled);

		Response put = cluster.put("n1", "observed", "value");
		assertThat(put.status()).as(put.body()).isEqualTo(200);

		// Of the key's three replicas at most two are on n1 (the claim keeps the others
		// apart), and messages a node sends itself are not observed: at least one call
		// crosses to n2 or n3 and is observed on both ends.
		await().atMost(LIMIT).untilAsserted(() -> {
			assertThat(cluster.timerCount("n1", "partisan.call", called)).isGreaterThan(callsBefore);
			assertThat(cluster.timerCount("n2", "partisan.receive", handled)
					+ cluster.timerCount("n3", "partisan.receive", handled))
				.isGreaterThan(receivedBefore);
		});
	}

	@Test
	@Order(1)
	void theShippedConfigurationSurvivesTheOneFrameLeaveAttackWithoutASplit() throws Exception {
		int port = cluster.bean("n2", Partisan.class).localNode().port();
		// The review's attack: a hello and a forged full-mesh leave request, as one burst
		// of bytes, from a client without the secret. The node hangs up at the hello.
		ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
		Hello hello = new Hello(Node.of("mallory", "127.0.0.1", 9), 1, "_control", 0, System.currentTimeMillis());
		ByteBuf helloFrame = FrameCodec.encode(alloc,
				Frame.of(FrameKind.HELLO, 0, "_control", "mallory").withPayload(hello.encode(alloc, null)));
		ByteBuf leaveFrame = FrameCodec.encode(alloc,
				new Frame(FrameKind.CONTROL, 0, 1, "_control", "mallory", "", "full-mesh.leave", (byte) 0,
						"full-mesh.leave", Unpooled.copiedBuffer("{\"reason\":\"forged\"}", StandardCharsets.UTF_8)));
		try (Socket attacker = new Socket("127.0.0.1", port)) {
			attacker.setSoTimeout(10_000);
			attacker.getOutputStream().write(ByteBufUtil.getBytes(helloFrame));
			attacker.getOutputStream().write(ByteBufUtil.getBytes(leaveFrame));
			assertThat(readUntilClosed(attacker.getInputStream())).as("the node hangs up on a hello without the secret")
				.isTrue();
		}
		finally {
			helloFrame.release();
			leaveFrame.release();
		}

		for (String node : List.of("n1", "n2", "n3")) {
			assertThat(cluster.bean(node, Partisan.class).members()).extracting(Node::name)
				.containsExactlyInAnyOrder("n1", "n2", "n3");
		}
		awaitRing(Set.of("n1", "n2", "n3"));
		for (int i = 0; i < 10; i++) {
			assertThat(cluster.put("n2", "after-attack-" + i, "v" + i).status()).isEqualTo(200);
			assertThat(cluster.get("n1", "/kv/after-attack-" + i).body()).isEqualTo("v" + i);
		}
	}

	@Test
	@Order(2)
	void concurrentPutsToOneKeyFromTwoNodesEndInOneValueEverywhere() throws Exception {
		for (int round = 0; round < 5; round++) {
			String key = "contended-" + round;
			CountDownLatch go = new CountDownLatch(1);
			CompletableFuture<Response> fromOne = CompletableFuture
				.supplyAsync(() -> putAfter(go, "n1", key, "from-n1"));
			CompletableFuture<Response> fromThree = CompletableFuture
				.supplyAsync(() -> putAfter(go, "n3", key, "from-n3"));
			go.countDown();
			assertThat(fromOne.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
			assertThat(fromThree.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);

			// A read anywhere repairs replicas that kept the losing write; then all three
			// hold the winner.
			assertThat(cluster.get("n2", "/kv/" + key).status()).isEqualTo(200);
			await().atMost(LIMIT)
				.untilAsserted(() -> assertThat(replicaValues(key)).hasSize(3)
					.doesNotContainNull()
					.allSatisfy((v) -> assertThat(v).isEqualTo(replicaValues(key).get(0))));
			String winner = cluster.get("n1", "/kv/" + key).body();
			assertThat(winner).isIn("from-n1", "from-n3");
			for (String node : List.of("n1", "n2", "n3")) {
				assertThat(cluster.get(node, "/kv/" + key).body()).isEqualTo(winner);
			}
		}
	}

	@Test
	@Order(3)
	void withoutAQuorumAPutFailsWithA503NamingTheReplicasThatAnswered() {
		// n1 can no longer send to the other nodes: at most its own replica answers.
		List<Fault> cutOff = List.of(cluster.nodes().between("n1", "n2").oneWay().drop(),
				cluster.nodes().between("n1", "n3").oneWay().drop());
		try {
			Response put = cluster.put("n1", "unreachable", "value");
			assertThat(put.status()).as(put.body()).isEqualTo(503);
			assertThat(put.body()).contains("\"error\":\"quorum not reached\"", "\"needed\":2", "\"answered\":[",
					"\"failed\":{\"vnode-", "\"path\":\"/kv/unreachable\"");
		}
		finally {
			cutOff.forEach(Fault::heal);
		}
		assertThat(cluster.put("n1", "reachable", "value").status()).isEqualTo(200);
	}

	@Test
	@Order(4)
	void antiEntropyCopiesAValueThatOnlyOneReplicaHasToTheOthers() {
		String key = "only-one-replica";
		List<Replica> replicas = cluster.bean("n1", KvService.class).preferenceList(key);
		Replica holder = replicas.get(0);
		Versioned value = new Versioned(System.currentTimeMillis(), "n1", "quiet".getBytes());
		cluster.bean(holder.node(), VnodeManager.class).vnode(holder.partition()).merge(key, value);
		assertThat(replicaValues(key)).containsOnlyOnce("quiet");

		for (String node : List.of("n1", "n2", "n3")) {
			cluster.bean(node, AntiEntropy.class).exchange();
		}
		await().atMost(LIMIT)
			.untilAsserted(() -> assertThat(replicaValues(key)).containsExactly("quiet", "quiet", "quiet"));
	}

	@Test
	@Order(5)
	void withOneNodeCrashedGetsAndPutsStillSucceed() {
		for (String key : KEYS) {
			assertThat(cluster.put("n1", key, "value-of-" + key).status()).isEqualTo(200);
		}
		cluster.crash("n2");

		// At once, before n2 is found down, and again once the ring has moved its
		// partitions.
		readAndWriteThroughSurvivors("right after the crash");
		awaitRing(Set.of("n1", "n3"));
		readAndWriteThroughSurvivors("after the ring dropped n2");
	}

	@Test
	@Order(6)
	void aFourthNodeTakesPartitionsWithTheirDataAndAGetFindsItAfterTheOldOwnerLeaves() {
		Ring before = cluster.ring("n1");
		cluster.start("n4");
		Ring after = awaitRing(Set.of("n1", "n3", "n4"));
		assertThat(after.ownership().get("n4")).hasSizeBetween(21, 22);

		String moved = null;
		for (String key : KEYS) {
			int partition = after.partitionOf(key);
			if (after.ownerOf(partition).equals("n4")) {
				moved = key;
				break;
			}
		}
		assertThat(moved).as("one of %s lands on a partition n4 took", KEYS).isNotNull();
		String key = moved;
		int partition = after.partitionOf(key);
		String oldOwner = before.ownerOf(partition);
		// Handoff, not a read, brought the value: nothing has read it since n4 joined.
		await().atMost(LIMIT).untilAsserted(() -> {
			Vnode vnode = cluster.bean("n4", VnodeManager.class).vnode(partition);
			assertThat(vnode).isNotNull();
			assertThat(vnode.get(key)).isNotNull();
			assertThat(new String(vnode.get(key).value())).isEqualTo("value-of-" + key);
		});
		assertThat(cluster.bean(oldOwner, VnodeManager.class).vnode(partition)).isNull();

		// A key of a partition the leaving node still owns: it hands that partition over
		// as it leaves.
		String leaving = KEYS.stream()
			.filter((k) -> after.ownerOf(after.partitionOf(k)).equals(oldOwner))
			.findFirst()
			.orElseThrow();
		int leavingPartition = after.partitionOf(leaving);
		VnodeManager leavingVnodes = cluster.bean(oldOwner, VnodeManager.class);
		cluster.stop(oldOwner);
		assertThat(leavingVnodes.vnode(leavingPartition))
			.as("dropped once the heir acknowledged it, before %s stopped", oldOwner)
			.isNull();
		String survivor = oldOwner.equals("n1") ? "n3" : "n1";
		Set<String> remaining = new TreeSet<>(Set.of(survivor, "n4"));
		Ring last = awaitRing(remaining);
		Vnode heir = cluster.bean(last.ownerOf(leavingPartition), VnodeManager.class).vnode(leavingPartition);
		assertThat(heir).isNotNull();
		assertThat(heir.get(leaving)).as("%s handed over by %s as it left", leaving, oldOwner).isNotNull();
		for (String node : remaining) {
			Response get = cluster.get(node, "/kv/" + key);
			assertThat(get.status()).as(get.body()).isEqualTo(200);
			assertThat(get.body()).isEqualTo("value-of-" + key);
		}
	}

	private static void readAndWriteThroughSurvivors(String when) {
		for (String key : KEYS) {
			for (String node : List.of("n1", "n3")) {
				Response get = cluster.get(node, "/kv/" + key);
				assertThat(get.status()).as("GET %s through %s %s: %s", key, node, when, get.body()).isEqualTo(200);
				assertThat(get.body()).isEqualTo("value-of-" + key);
			}
		}
		Response put = cluster.put("n3", "written-" + when.replace(' ', '-'), "v");
		assertThat(put.status()).as("PUT %s: %s", when, put.body()).isEqualTo(200);
	}

	private static Response putAfter(CountDownLatch go, String node, String key, String value) {
		try {
			go.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return cluster.put(node, key, value);
	}

	/**
	 * What each replica of the key holds now, in preference-list order ({@code null} for
	 * nothing).
	 */
	private static List<@Nullable String> replicaValues(String key) {
		List<String> values = new ArrayList<>();
		for (Replica replica : cluster.bean("n1", KvService.class).preferenceList(key)) {
			Vnode vnode = cluster.bean(replica.node(), VnodeManager.class).vnode(replica.partition());
			Versioned value = (vnode != null) ? vnode.get(key) : null;
			values.add((value != null && value.value() != null) ? new String(value.value()) : null);
		}
		return values;
	}

	/** Waits until every listed node has the same ring, owned by exactly those nodes. */
	/**
	 * Reads until the peer closes the socket (a reset counts); false when the read
	 * time-out passes first.
	 */
	private static boolean readUntilClosed(InputStream in) throws IOException {
		byte[] buffer = new byte[1024];
		try {
			while (in.read(buffer) >= 0) {
				// whatever the node sends, until it closes
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return String.valueOf(ex.getMessage()).contains("reset");
		}
	}

	private static Ring awaitRing(Set<String> members) {
		await().atMost(LIMIT).untilAsserted(() -> {
			Ring first = cluster.ring(members.iterator().next());
			assertThat(first.members()).isEqualTo(new TreeSet<>(members));
			for (String node : members) {
				assertThat(cluster.ring(node)).isEqualTo(first);
				assertThat(cluster.bean(node, VnodeManager.class).serving())
					.hasSize(first.ownership().get(node).size());
			}
		});
		return cluster.ring(members.iterator().next());
	}

}
