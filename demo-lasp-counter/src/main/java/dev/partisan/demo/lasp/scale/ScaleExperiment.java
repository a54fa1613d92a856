package dev.partisan.demo.lasp.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.partisan.demo.lasp.scale.ScaleRun.Result;
import dev.partisan.demo.lasp.scale.ScaleRun.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The papers' scale experiment (000 §6.3.1, 001 §4.3.2, Figure 7): the advertisement
 * counter on client-server and on peer-to-peer, cluster size after cluster size, each run
 * measuring the bytes of state transmitted, the busiest node's bytes per propagation
 * interval, and how long until every ad is disabled on every node. Writes
 * {@code scale.csv} and {@code scale.svg}.
 *
 * <p>
 * <strong>Saturation.</strong> A node stops keeping up when the state it must send and
 * receive in one propagation interval no longer fits through its link in that interval:
 * its queues then grow from round to round, and each round starts before the last one has
 * left. A run is <em>saturated</em> when its busiest node's bytes (in plus out) in some
 * interval exceed {@link ScaleSettings#linkBytesPerInterval()}; an overlay stops scaling
 * at the first size whose run is saturated. The simulator itself has no bandwidth limit
 * (a message takes its latency whatever its size), so saturation is judged on what the
 * run would have needed, not observed as slowness.
 *
 * <p>
 * Arguments (all optional): {@code --out=DIR} (default {@code target/scale}),
 * {@code --client-server=32,64,...} (32 to 1,024), {@code --peer-to-peer=32,64,...} (32
 * to 1,024), an empty list skipping the overlay, {@code --minutes=30},
 * {@code --threshold=N} (fixed, instead of minutes), {@code --servers=1},
 * {@code --link-mbps=100}, {@code --seed=1}, {@code --viewers=N} (only the first N
 * clients view ads; by default all do).
 */
public final class ScaleExperiment {

	private static final Logger logger = LoggerFactory.getLogger(ScaleExperiment.class);

	static final List<Integer> CLIENT_SERVER_SIZES = List.of(32, 64, 128, 256, 512, 1024);

	/**
	 * Peer-to-peer by default to the same 1,024 as client-server, the papers' largest;
	 * beyond that every node's counter entries per client make memory grow as the square
	 * of the size, and {@code --viewers} bounds them (see the README).
	 */
	static final List<Integer> PEER_TO_PEER_SIZES = CLIENT_SERVER_SIZES;

	private ScaleExperiment() {
	}

	public static void main(String[] args) throws IOException {
		quietLogs();
		ScaleSettings settings = ScaleSettings.papers();
		Path out = Path.of("target", "scale");
		List<Integer> clientServer = CLIENT_SERVER_SIZES;
		List<Integer> peerToPeer = PEER_TO_PEER_SIZES;
		for (String arg : args) {
			String[] kv = arg.replaceFirst("^--", "").split("=", 2);
			String value = (kv.length > 1) ? kv[1] : "";
			switch (kv[0]) {
				case "out" -> out = Path.of(value);
				case "client-server" -> clientServer = sizes(value);
				case "peer-to-peer" -> peerToPeer = sizes(value);
				case "minutes" -> settings = with(settings, "minutes", value);
				case "threshold" -> settings = with(settings, "threshold", value);
				case "servers" -> settings = with(settings, "servers", value);
				case "link-mbps" -> settings = with(settings, "link-mbps", value);
				case "seed" -> settings = with(settings, "seed", value);
				case "viewers" -> settings = with(settings, "viewers", value);
				default -> throw new IllegalArgumentException("Unknown argument " + arg);
			}
		}
		Files.createDirectories(out);
		List<Result> results = new ArrayList<>();
		List<Integer> all = new ArrayList<>(clientServer);
		all.addAll(peerToPeer);
		for (int i = 0; i < all.size(); i++) {
			Topology topology = (i < clientServer.size()) ? Topology.CLIENT_SERVER : Topology.PEER_TO_PEER;
			results.add(run(topology, all.get(i), settings));
			// Written after every run, so a long series that is stopped keeps what it
			// measured.
			Files.writeString(out.resolve("scale.csv"), csv(results, settings), StandardCharsets.UTF_8);
			Files.writeString(out.resolve("scale.svg"), ScaleChart.svg(results, settings), StandardCharsets.UTF_8);
		}
		table(results, settings, System.out);
		System.out.println("Wrote " + out.resolve("scale.csv") + " and " + out.resolve("scale.svg"));
	}

	static Result run(Topology topology, int size, ScaleSettings settings) {
		Result result = new ScaleRun(topology, size, settings).run();
		System.out.printf(Locale.ROOT,
				"%s %d nodes: %s bytes, busiest %s/interval (%s), disabled after %s, %s, "
						+ "%.1f s wall, %d MB heap%n",
				topology.label(), size, human(result.bytes()), human(result.busiestBytesPerInterval()),
				result.busiestNode(), minutes(result), result.converged() ? "converged" : "NOT converged",
				result.wall().toMillis() / 1000.0, result.peakHeapBytes() >> 20);
		return result;
	}

	/**
	 * Whether the run's busiest node needed more than its link carries in an interval.
	 */
	static boolean saturated(Result result, ScaleSettings settings) {
		return result.busiestBytesPerInterval() > settings.linkBytesPerInterval();
	}

	/** The busiest node's need, in Mbit/s, over the propagation interval. */
	static double busiestMbps(Result result, ScaleSettings settings) {
		return result.busiestBytesPerInterval() * 8 / 1e6 / (settings.syncInterval().toMillis() / 1000.0);
	}

	static String csv(List<Result> results, ScaleSettings settings) {
		StringBuilder csv = new StringBuilder(
				"overlay,nodes,servers,threshold,state_frames,state_bytes,busiest_node,busiest_node_bytes_per_interval,"
						+ "busiest_node_mbps,link_mbps,saturated,minutes_to_all_disabled,converged,"
						+ "overlay_control_messages,client_views,wall_seconds,peak_heap_mb,viewing_clients\n");
		for (Result r : results) {
			csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%s,%d,%.1f,%.0f,%s,%s,%s,%d,%d,%.1f,%d,%d%n",
					r.topology().label(), r.nodes(), settings.servers(), r.threshold(), r.frames(), r.bytes(),
					r.busiestNode(), r.busiestBytesPerInterval(), busiestMbps(r, settings), settings.linkMbps(),
					saturated(r, settings), minutes(r), r.converged(), r.controlMessages(), r.views(),
					r.wall().toMillis() / 1000.0, r.peakHeapBytes() >> 20,
					settings.viewersAmong(r.nodes() - settings.servers())));
		}
		return csv.toString();
	}

	static void table(List<Result> results, ScaleSettings settings, PrintStream out) {
		out.println("| overlay | nodes | state bytes | busiest node per 5 s | needs | saturated | all disabled after"
				+ " | converged | wall | heap |");
		out.println("|---|---|---|---|---|---|---|---|---|---|");
		for (Result r : results) {
			out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.1f Mbit/s | %s | %s min | %s | %.1f s | %d MB |%n",
					r.topology().label(), r.nodes(), human(r.bytes()), human(r.busiestBytesPerInterval()),
					busiestMbps(r, settings), saturated(r, settings) ? "**yes**" : "no", minutes(r),
					r.converged() ? "yes" : "**no**", r.wall().toMillis() / 1000.0, r.peakHeapBytes() >> 20);
		}
	}

	private static String minutes(Result result) {
		Duration after = result.disabledAfter();
		return (after == null) ? "-" : String.format(Locale.ROOT, "%.1f", after.toMillis() / 60000.0);
	}

	static String human(long bytes) {
		if (bytes >= 1L << 30) {
			return String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30));
		}
		if (bytes >= 1L << 20) {
			return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
		}
		return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
	}

	private static List<Integer> sizes(String value) {
		if (value.isBlank()) {
			return List.of();
		}
		return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
	}

	private static ScaleSettings with(ScaleSettings s, String name, String value) {
		return switch (name) {
			case "minutes" -> new ScaleSettings(s.viewInterval(), s.syncInterval(), Double.parseDouble(value), 0,
					s.ads(), s.servers(), s.linkMbps(), s.latency(), s.gossipInterval(), s.timeLimit(), s.seed(),
					s.viewers());
			case "threshold" -> new ScaleSettings(s.viewInterval(), s.syncInterval(), s.minutes(),
					Long.parseLong(value), s.ads(), s.servers(), s.linkMbps(), s.latency(), s.gossipInterval(),
					s.timeLimit(), s.seed(), s.viewers());
			case "servers" -> new ScaleSettings(s.viewInterval(), s.syncInterval(), s.minutes(), s.fixedThreshold(),
					s.ads(), Integer.parseInt(value), s.linkMbps(), s.latency(), s.gossipInterval(), s.timeLimit(),
					s.seed(), s.viewers());
			case "link-mbps" -> new ScaleSettings(s.viewInterval(), s.syncInterval(), s.minutes(), s.fixedThreshold(),
					s.ads(), s.servers(), Double.parseDouble(value), s.latency(), s.gossipInterval(), s.timeLimit(),
					s.seed(), s.viewers());
			case "viewers" -> s.withViewers(Integer.parseInt(value));
			case "seed" -> new ScaleSettings(s.viewInterval(), s.syncInterval(), s.minutes(), s.fixedThreshold(),
					s.ads(), s.servers(), s.linkMbps(), s.latency(), s.gossipInterval(), s.timeLimit(),
					Long.parseLong(value), s.viewers());
			default -> throw new IllegalArgumentException(name);
		};
	}

	/**
	 * The overlays log at DEBUG by default without a configuration; the run needs WARN.
	 */
	private static void quietLogs() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
		}
		logger.debug("Logging at WARN");
	}

}
