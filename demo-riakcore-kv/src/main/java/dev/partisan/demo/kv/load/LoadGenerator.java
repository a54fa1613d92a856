package dev.partisan.demo.kv.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Drives the KV store or the echo service of a local three-node cluster and reports
 * throughput and latency, under the {@code baseline} profile (one connection per pair of
 * nodes, as Distributed Erlang) and the {@code partisan} profile (channels
 * vnode/metadata/gossip, 4 lanes, affinity). The two runs use the same code; only the
 * profile differs, which is the papers' point.
 *
 * <p>
 * {@code --profile=both} (the default) runs baseline, then partisan, and prints both
 * summaries. Each run starts its own cluster in this JVM on free ports, so it can run
 * beside the interactive one.
 */
public final class LoadGenerator {

	private LoadGenerator() {
	}

	public static void main(String[] args) throws InterruptedException {
		LoadOptions options;
		try {
			options = LoadOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		List<RunSummary> summaries = run(options, System.out);
		System.exit(summaries.stream().allMatch((s) -> s.ops() > 0) ? 0 : 1);
	}

	/**
	 * Runs every profile of {@code options} in turn and prints the summaries together at
	 * the end.
	 */
	public static List<RunSummary> run(LoadOptions options, PrintStream out) throws InterruptedException {
		out.printf(Locale.ROOT, "Load: %s workload, %d workers, %s, payload %,d bytes%s, latency %s per message%n",
				options.workload(), options.workers(),
				(options.count() > 0) ? options.count() + " requests" : options.duration().toSeconds() + " s",
				options.payload(),
				options.workload().equals("kv")
						? String.format(Locale.ROOT, ", %d keys, read ratio %.2f", options.keys(), options.readRatio())
						: "",
				options.latency().isZero() ? "none" : options.latency().toMillis() + " ms");
		List<RunSummary> summaries = new ArrayList<>();
		for (String profile : options.profiles()) {
			summaries.add(new LoadRun(options, profile, out).run());
		}
		out.println();
		out.println("Summary:");
		summaries.forEach((summary) -> out.println("  " + summary));
		if (summaries.size() == 2 && summaries.get(0).throughput() > 0) {
			out.printf(Locale.ROOT, "  %s / %s throughput: %.2fx%n", summaries.get(1).profile(),
					summaries.get(0).profile(), summaries.get(1).throughput() / summaries.get(0).throughput());
		}
		return summaries;
	}

}
