package dev.partisan.demo.kv.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.KvDemoApplication;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.demo.kv.vnode.VnodeManager;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The README's one command: three demo nodes in this JVM, with the profiles
 * {@code n1}..{@code n3} of {@code application.yml} (HTTP on 8081-8083, Partisan on
 * 10101-10103), until Ctrl-C.
 *
 * <p>
 * {@code --profile=baseline} runs them with one connection per pair of nodes instead of
 * the {@code partisan} channels; every other argument goes to all three applications,
 * e.g. {@code --kv.storage-delay=0ms}.
 */
public final class LocalCluster implements AutoCloseable {

	private static final List<String> NAMES = List.of("n1", "n2", "n3");

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private LocalCluster() {
	}

	/**
	 * Starts the three nodes and waits until they agree on the ring.
	 * @param profile {@code partisan} or {@code baseline}
	 * @param freePorts whether to use free ports instead of those of
	 * {@code application.yml}, so that the cluster can run beside another one
	 * @param args further arguments for every node
	 */
	public static LocalCluster start(String profile, boolean freePorts, List<String> args) {
		LocalCluster cluster = new LocalCluster();
		try {
			for (String name : NAMES) {
				List<String> nodeArgs = new ArrayList<>(List.of("--spring.main.log-startup-info=false"));
				nodeArgs.addAll(args);
				if (freePorts) {
					nodeArgs.addAll(List.of("--server.port=0", "--partisan.node.port=0"));
					if (!cluster.nodes.isEmpty()) {
						nodeArgs.add("--partisan.seeds=n1@127.0.0.1:"
								+ cluster.nodes.get(0).getBean(Partisan.class).localNode().port());
					}
				}
				cluster.nodes.add(new SpringApplicationBuilder(KvDemoApplication.class).profiles(name, profile)
					.registerShutdownHook(false)
					.run(nodeArgs.toArray(String[]::new)));
			}
			cluster.awaitRing(Duration.ofSeconds(30));
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	public List<ConfigurableApplicationContext> nodes() {
		return this.nodes;
	}

	private void awaitRing(Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!settled()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The three nodes did not agree on a ring within " + limit);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while the cluster formed", ex);
			}
		}
	}

	private boolean settled() {
		Ring first = this.nodes.get(0).getBean(RingManager.class).current();
		if (first.members().size() != this.nodes.size()) {
			return false;
		}
		for (ConfigurableApplicationContext node : this.nodes) {
			RingManager rings = node.getBean(RingManager.class);
			if (!rings.current().equals(first) || node.getBean(VnodeManager.class).serving().size() != first.ownership()
				.get(rings.self())
				.size()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Stops the nodes one after another, so each hands its partitions to nodes still
	 * running.
	 */
	@Override
	public void close() {
		for (int i = this.nodes.size() - 1; i >= 0; i--) {
			this.nodes.get(i).close();
		}
		this.nodes.clear();
	}

	public static void main(String[] args) throws InterruptedException {
		String profile = "partisan";
		List<String> rest = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--profile=")) {
				profile = arg.substring("--profile=".length());
			}
			else if (!arg.isBlank()) {
				rest.add(arg);
			}
		}
		if (!profile.equals("partisan") && !profile.equals("baseline")) {
			System.err.println("--profile is partisan or baseline, not " + profile);
			System.exit(2);
		}
		// The whole cluster stops at once on Ctrl-C: no node is left to hand partitions
		// to.
		rest.add(0, "--kv.handoff-on-stop=false");
		System.out.println("Starting n1, n2, n3 (profile " + profile + ") ...");
		LocalCluster cluster = start(profile, false, rest);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.out.println("\nStopping n3, n2, n1 ...");
			cluster.close();
			stopped.countDown();
		}, "kv-local-cluster-stop"));
		printWelcome(cluster, profile);
		stopped.await();
	}

	private static void printWelcome(LocalCluster cluster, String profile) {
		StringBuilder text = new StringBuilder();
		text.append("\nPartisan KV demo: 3 nodes, profile '")
			.append(profile)
			.append("' (")
			.append(profile.equals("partisan") ? "channels vnode/metadata/gossip, 4 lanes, affinity"
					: "one connection per pair of nodes")
			.append(")\n");
		for (ConfigurableApplicationContext node : cluster.nodes()) {
			Environment env = node.getEnvironment();
			text.append(String.format("  %s  http://127.0.0.1:%s  (Partisan 127.0.0.1:%s)%n",
					env.getProperty("partisan.node.name"), env.getProperty("local.server.port"),
					env.getProperty("partisan.node.port")));
		}
		String n1 = "http://127.0.0.1:" + cluster.nodes().get(0).getEnvironment().getProperty("local.server.port");
		String n3 = "http://127.0.0.1:" + cluster.nodes().get(2).getEnvironment().getProperty("local.server.port");
		text.append("\nTry:\n")
			.append("  curl -X PUT ")
			.append(n1)
			.append("/kv/hello -d world\n")
			.append("  curl ")
			.append(n3)
			.append("/kv/hello\n")
			.append("  curl -X DELETE ")
			.append(n1)
			.append("/kv/hello\n")
			.append("  curl ")
			.append(n1)
			.append("/ring\n")
			.append("  curl -X POST '")
			.append(n1)
			.append("/echo?size=1048576'\n")
			.append("  curl ")
			.append(n1)
			.append("/actuator/partisanchannels\n")
			.append("  curl '")
			.append(n1)
			.append("/actuator/metrics/partisan.call?tag=partisan.channel:vnode'   # an observations' timer\n")
			.append("\nThe live cluster page, in a browser: ")
			.append(n1)
			.append("/actuator/partisandashboard\n")
			.append("\nCtrl-C stops all three.\n");
		System.out.println(text);
	}

}
