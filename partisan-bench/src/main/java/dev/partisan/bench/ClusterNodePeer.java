package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;

/**
 * One node of the many-process scenario ({@link ClusterScenario}): a plain core node on
 * the peer-to-peer overlay, in a JVM of its own, on a free loopback port. It is driven
 * over its standard input and answers on its standard output, one line each:
 *
 * <pre>
 * in:  VIEW &lt;seq&gt;       out: VIEW &lt;seq&gt; &lt;passive size&gt; &lt;active names, comma separated&gt;
 * in:  BCAST &lt;id&gt;       (broadcasts id to the handler "news")
 *                      out: GOT &lt;id&gt;  (each time the handler receives a broadcast)
 *                      out: READY &lt;name@host:port&gt;  once joined
 * </pre>
 *
 * <p>
 * Arguments: {@code <name> <seeds: name@host:port, comma separated, or ->}. Runs until
 * its standard input closes or it is killed.
 */
public final class ClusterNodePeer {

	static final String NEWS = "news";

	private static final String SECRET = "partisan-bench-processes";

	/** Active view of 5, passive of 30, the default shuffle and route periods. */
	static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(5, 30, 5, 2, Duration.ofSeconds(10),
			3, 4, Duration.ofSeconds(30));

	/**
	 * Slow heartbeats: a hundred nodes on two cores spent more than both cores at 0.5 s
	 * (about 4% of a core each, idle). A killed process is seen at once anyway: the
	 * kernel closes its connections.
	 */
	static final Duration HEARTBEAT = Duration.ofSeconds(2);

	/** Generous, so CPU starvation during start-up is not taken for a failure. */
	static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(10);

	private ClusterNodePeer() {
	}

	public static void main(String[] args) throws Exception {
		String name = args[0];
		// One event-loop and one handler thread: the point is many processes on two
		// cores, each lean; heartbeats tolerate a few seconds of CPU starvation.
		PartisanConfig config = PartisanConfig.builder(name)
			.host("127.0.0.1")
			.port(0)
			.overlay("peer-to-peer")
			.hyParView(SETTINGS)
			.heartbeatInterval(HEARTBEAT)
			.failureTimeout(FAILURE_TIMEOUT)
			// No acknowledged channel here: the retransmission timer need not tick often.
			.retransmitInterval(Duration.ofSeconds(4))
			.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
			.eventLoopThreads(1)
			.handlerThreads(1)
			// Only these processes can join (and no start-up warning from each of them).
			.clusterSecret(SECRET)
			.build();
		PartisanNode node = PartisanNode.create(config);
		node.register(NEWS, String.class, (id, meta) -> say("GOT " + id));
		node.start();
		try {
			if (!args[1].equals("-")) {
				join(node, args[1].split(","));
			}
			say("READY " + node.localNode().address());
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				String[] words = line.split(" ", 2);
				switch (words[0]) {
					case "VIEW" -> {
						List<Node> active = node.views().getOrDefault("active", List.of());
						int passive = node.views().getOrDefault("passive", List.of()).size();
						say("VIEW " + words[1] + " " + passive + " "
								+ active.stream().map(Node::name).collect(Collectors.joining(",")));
					}
					case "BCAST" -> node.broadcast(NEWS, words[1]);
					default -> System.err.println(name + ": unknown command " + line);
				}
			}
		}
		finally {
			node.close();
		}
	}

	/** Joins through the first seed that answers. */
	private static void join(PartisanNode node, String[] seeds) throws InterruptedException {
		Exception last = null;
		for (String seed : seeds) {
			try {
				node.join(Node.parse(seed)).get(30, TimeUnit.SECONDS);
				return;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				last = ex;
			}
		}
		throw new IllegalStateException("No seed answered", last);
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
