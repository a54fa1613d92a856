package dev.partisan.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.partisan.demo.kv.KvDemoApplication;
import dev.partisan.demo.kv.load.LoadOptions;
import dev.partisan.demo.kv.load.LoadRun;
import dev.partisan.demo.kv.load.RunSummary;
import dev.partisan.demo.kv.ring.RingManager;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node of the Riak-Core-style demo in its own JVM, under the {@code baseline} or
 * {@code partisan} profile, for the papers' KV and echo experiments (§6.2.2–6.2.3). The
 * sender's node runs the demo's load generator against its own services, so every request
 * it coordinates reaches replicas on the receiver across the link.
 *
 * <p>
 * Two hosts, so the KV store runs with N = R = W = 2: a key's two replicas are on
 * consecutive partitions, which the claim gives to different nodes, and every request
 * needs the remote one. Echoes go only to partitions the receiver owns
 * ({@code remoteOnly}).
 *
 * <p>
 * Receiver: {@code receiver <host> <port> <profile>}, prints {@code READY}. Sender:
 * {@code sender <host> <port> <receiver name@host:port> <cases json> <profile>}, prints
 * one {@code RESULT} line per case.
 */
public final class KvPeer {

	private static final Duration RING_LIMIT = Duration.ofSeconds(60);

	private KvPeer() {
	}

	public static void main(String[] args) throws Exception {
		String role = args[0];
		boolean sender = role.equals("sender");
		String profile = args[sender ? 5 : 3];
		List<String> properties = new ArrayList<>(List.of("--spring.profiles.active=" + profile,
				"--spring.main.web-application-type=none", "--logging.config=classpath:bench-logback.xml",
				// The baseline profile's "channel not configured" warnings are the point,
				// not news.
				"--logging.level.dev.partisan=error", "--partisan.node.name=" + role, "--partisan.node.host=" + args[1],
				"--partisan.node.port=" + args[2], "--partisan.max-queued-messages=1000000",
				"--partisan.max-queued-bytes=2GB", "--kv.replicas=2", "--kv.read-quorum=2", "--kv.write-quorum=2",
				"--kv.request-timeout=120s", "--kv.handoff-on-stop=false"));
		if (sender) {
			properties.add("--partisan.seeds=" + args[3]);
		}
		ConfigurableApplicationContext node = new SpringApplicationBuilder(KvDemoApplication.class)
			.run(properties.toArray(String[]::new));
		try {
			if (!sender) {
				Protocol.ready();
				Protocol.awaitStdinClosed();
				return;
			}
			awaitTwoNodeRing(node.getBean(RingManager.class));
			List<BenchCase> cases = Protocol.readCases(args[4]);
			int warmup = Integer.getInteger("bench.warmup", 0);
			if (warmup > 0) {
				run(node, profile, new BenchCase("kv", profile, 1, 4, warmup / 4, 256 * 1024, 0));
				run(node, profile, new BenchCase("echo", profile, 1, 4, warmup / 4, 256 * 1024, 0));
			}
			for (BenchCase c : cases) {
				Protocol.progress(c);
				Protocol.result(run(node, profile, c));
			}
		}
		finally {
			node.close();
		}
	}

	/**
	 * Waits until the ring holds both nodes, then for the handoff of the receiver's old
	 * partitions.
	 */
	private static void awaitTwoNodeRing(RingManager rings) throws InterruptedException {
		long deadline = System.nanoTime() + RING_LIMIT.toNanos();
		while (rings.current().members().size() < 2) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the two KV nodes did not agree on a ring within " + RING_LIMIT);
			}
			TimeUnit.MILLISECONDS.sleep(100);
		}
		TimeUnit.SECONDS.sleep(3);
	}

	private static CaseResult run(ConfigurableApplicationContext node, String profile, BenchCase c)
			throws InterruptedException {
		LoadOptions options = new LoadOptions(List.of(profile), c.experiment(), c.senders(), Duration.ZERO,
				(long) c.senders() * c.messages(), c.size(), 0.9, 10_000, Duration.ZERO, List.of(), true);
		PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
		RunSummary summary = new LoadRun(options, profile, quiet).drive(List.of(node));
		if (summary.errors() > 0) {
			return CaseResult.failed(c,
					summary.errors() + " of " + (summary.ops() + summary.errors()) + " requests failed");
		}
		double goodput = summary.ops() * (double) c.size() / summary.seconds() / 1e6;
		return new CaseResult(c, summary.seconds(), summary.ops(), goodput, summary.p50Millis(), summary.p99Millis(),
				"");
	}

}
