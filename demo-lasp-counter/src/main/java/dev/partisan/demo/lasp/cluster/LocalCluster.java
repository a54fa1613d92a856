package dev.partisan.demo.lasp.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.partisan.api.Partisan;
import dev.partisan.demo.lasp.LaspDemoApplication;
import dev.partisan.demo.lasp.LaspProperties;
import dev.partisan.demo.lasp.ads.Replica;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The README's one command: two servers and three clients in this JVM, with the profiles
 * {@code s1}, {@code s2}, {@code c1}..{@code c3} of {@code application.yml} (HTTP on
 * 8091-8095, Partisan on 10111-10115), until Ctrl-C.
 *
 * <p>
 * {@code --overlay=peer-to-peer} runs them on HyParView instead of client-server;
 * {@code --simulate} makes the clients view ads by themselves; every other argument goes
 * to all five applications, e.g. {@code --lasp.threshold=20}.
 */
public final class LocalCluster implements AutoCloseable {

	private static final List<String> NAMES = List.of("s1", "s2", "c1", "c2", "c3");

	private static final List<String> OVERLAYS = List.of("client-server", "peer-to-peer");

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private LocalCluster() {
	}

	/**
	 * Starts the five nodes on the ports of {@code application.yml} and waits until every
	 * client has learned every ad from the servers.
	 * @param overlay {@code client-server} or {@code peer-to-peer}
	 * @param args further arguments for every node
	 */
	public static LocalCluster start(String overlay, List<String> args) {
		return start(overlay, false, args);
	}

	/**
	 * Starts the five nodes and waits until every client has learned every ad from the
	 * servers.
	 * @param overlay {@code client-server} or {@code peer-to-peer}
	 * @param freePorts whether to use free ports instead of those of
	 * {@code application.yml} (each node then joins through the servers already running),
	 * so that the cluster can run beside another one
	 * @param args further arguments for every node
	 */
	public static LocalCluster start(String overlay, boolean freePorts, List<String> args) {
		LocalCluster cluster = new LocalCluster();
		try {
			for (String name : NAMES) {
				List<String> nodeArgs = new ArrayList<>(List.of("--spring.main.log-startup-info=false"));
				nodeArgs.addAll(args);
				if (freePorts) {
					nodeArgs.addAll(List.of("--server.port=0", "--partisan.node.port=0"));
					List<String> servers = cluster.nodes.stream()
						.limit(2)
						.map((node) -> node.getBean(Partisan.class).localNode().address())
						.toList();
					if (!servers.isEmpty()) {
						nodeArgs.add("--partisan.seeds=" + String.join(",", servers));
					}
				}
				cluster.nodes.add(new SpringApplicationBuilder(LaspDemoApplication.class).profiles(name, overlay)
					.registerShutdownHook(false)
					.run(nodeArgs.toArray(String[]::new)));
			}
			cluster.awaitAds(Duration.ofSeconds(30));
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

	private void awaitAds(Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!this.nodes.stream().allMatch(LocalCluster::knowsEveryAd)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The clients did not learn the ads from the servers within " + limit);
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

	private static boolean knowsEveryAd(ConfigurableApplicationContext node) {
		List<String> ads = node.getBean(LaspProperties.class).ads();
		return node.getBean(Replica.class).snapshot().ads().keySet().containsAll(ads);
	}

	/**
	 * Stops the clients first, each handing its last state to the servers, then the
	 * servers.
	 */
	@Override
	public void close() {
		for (int i = this.nodes.size() - 1; i >= 0; i--) {
			this.nodes.get(i).close();
		}
		this.nodes.clear();
	}

	public static void main(String[] args) throws InterruptedException {
		String overlay = "client-server";
		boolean simulate = false;
		List<String> rest = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--overlay=")) {
				overlay = arg.substring("--overlay=".length());
			}
			else if (arg.equals("--simulate")) {
				simulate = true;
			}
			else if (!arg.isBlank()) {
				rest.add(arg);
			}
		}
		if (!OVERLAYS.contains(overlay)) {
			System.err.println("--overlay is client-server or peer-to-peer, not " + overlay);
			System.exit(2);
		}
		if (simulate) {
			rest.add(0, "--lasp.simulate=true");
		}
		System.out.println("Starting servers s1, s2 and clients c1, c2, c3 (overlay " + overlay + ") ...");
		LocalCluster cluster = start(overlay, rest);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.out.println("\nStopping c3, c2, c1, s2, s1 ...");
			cluster.close();
			stopped.countDown();
		}, "lasp-local-cluster-stop"));
		printWelcome(cluster, overlay, simulate);
		stopped.await();
	}

	private static void printWelcome(LocalCluster cluster, String overlay, boolean simulate) {
		LaspProperties properties = cluster.nodes().get(0).getBean(LaspProperties.class);
		StringBuilder text = new StringBuilder();
		text.append("\nPartisan Lasp ad counter: 2 servers, 3 clients, overlay '")
			.append(overlay)
			.append("' (")
			.append(overlay.equals("client-server") ? "clients connect to the servers only"
					: "HyParView; each node pushes to its active view")
			.append("), threshold ")
			.append(properties.threshold())
			.append(", sync every ")
			.append(properties.syncInterval().toMillis())
			.append(" ms")
			.append(simulate ? ", clients viewing ads by themselves" : "")
			.append('\n');
		for (ConfigurableApplicationContext node : cluster.nodes()) {
			Environment env = node.getEnvironment();
			text.append(String.format("  %s  %-6s  http://127.0.0.1:%s  (Partisan 127.0.0.1:%s)%n",
					env.getProperty("partisan.node.name"), env.getProperty("partisan.node.tag"),
					env.getProperty("local.server.port"), env.getProperty("partisan.node.port")));
		}
		String s1 = url(cluster.nodes().get(0));
		String c1 = url(cluster.nodes().get(2));
		String c3 = url(cluster.nodes().get(4));
		text.append("\nTry:\n")
			.append("  curl ")
			.append(s1)
			.append("/ads\n")
			.append("  curl -X POST ")
			.append(c1)
			.append("/ads/ad-1/view\n")
			.append("  curl ")
			.append(c3)
			.append("/ads          # c1's view arrives within a sync interval or two\n")
			.append("  curl ")
			.append(s1)
			.append("/crdt         # the G-Counter entries, one per client incarnation\n")
			.append("  for i in $(seq 60); do curl -s -X POST ")
			.append(c1)
			.append("/ads/ad-2/view; echo; done   # until 409\n")
			.append("  curl ")
			.append(s1)
			.append("/actuator/partisanchannels\n")
			.append("  curl '")
			.append(s1)
			.append("/actuator/metrics/partisan.receive?tag=partisan.channel:crdt'   # an observations' timer\n")
			.append("\nThe live cluster page, in a browser: ")
			.append(s1)
			.append("/actuator/partisandashboard\n")
			.append("\nCtrl-C stops all five.\n");
		System.out.println(text);
	}

	private static String url(ConfigurableApplicationContext node) {
		return "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
	}

}
