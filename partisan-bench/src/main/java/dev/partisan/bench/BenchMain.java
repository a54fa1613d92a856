package dev.partisan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmark plan and writes the report.
 *
 * <pre>
 * --mode=quick|full|smoke   what to run (default quick)
 * --net=auto|netns|loopback where: namespaces with added latency need root; auto falls back to loopback
 * --out=DIR                 where REPORT.md goes (default partisan-bench/report)
 * --bench-dir=DIR           the partisan-bench folder (default: found from the working directory)
 * --only=kv,echo,...        only these experiments (micro, isolation, hol, kv, echo, ackcost, crash,
 *                           reqack, oneway, pingpong, processes); default all but processes, which is
 *                           run only when named
 * --processes=N             node processes of the processes experiment (default 100, smoke 8)
 * --repetitions=R           repetitions of each case of reqack, oneway and pingpong (default 3, smoke 2)
 * --case-seconds=S          their measured window per case (default 3, smoke 0.3)
 * --warmup-seconds=S        their warm-up pass: how long each case runs unmeasured before the
 *                           repetitions (default 1.5, smoke 0.5)
 * </pre>
 */
public final class BenchMain {

	/** Every experiment {@code --only} may name. */
	static final Set<String> EXPERIMENTS = Set.of("micro", "isolation", "hol", "kv", "echo", "ackcost", "crash",
			"processes", "reqack", "oneway", "pingpong");

	private BenchMain() {
	}

	public static void main(String[] args) throws Exception {
		String mode = "quick";
		String net = "auto";
		Path benchDir = findBenchDir();
		Path out = null;
		Set<String> only = Set.of();
		int processes = 0;
		int repetitions = 0;
		int windowMillis = 0;
		int warmupMillis = 0;
		for (String arg : args) {
			String[] kv = arg.replaceFirst("^--", "").split("=", 2);
			String value = (kv.length == 2) ? kv[1] : "";
			switch (kv[0]) {
				case "mode" -> mode = value;
				case "quick", "full", "smoke" -> mode = kv[0];
				case "net" -> net = value;
				case "out" -> out = Path.of(value);
				case "bench-dir" -> benchDir = Path.of(value);
				case "only" -> only = Set.of(value.split(","));
				case "processes" -> processes = Integer.parseInt(value);
				case "repetitions" -> repetitions = Integer.parseInt(value);
				case "case-seconds" -> windowMillis = (int) Math.round(Double.parseDouble(value) * 1000);
				case "warmup-seconds" -> warmupMillis = (int) Math.round(Double.parseDouble(value) * 1000);
				default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; see BenchMain's Javadoc");
			}
		}
		Path report = run(mode, net, only, processes, new Families.Timing(repetitions, windowMillis, warmupMillis),
				benchDir, (out != null) ? out : benchDir.resolve("report"), System.getProperty("java.class.path"));
		System.out.println("Report written to " + report);
	}

	/** Runs a plan; returns the report path. */
	public static Path run(String mode, String net, Path benchDir, Path out, String classpath)
			throws IOException, InterruptedException {
		return run(mode, net, Set.of(), benchDir, out, classpath);
	}

	/**
	 * Runs the experiments of a plan named in {@code only} (all when empty); returns the
	 * report path.
	 */
	public static Path run(String mode, String net, Set<String> only, Path benchDir, Path out, String classpath)
			throws IOException, InterruptedException {
		return run(mode, net, only, 0, benchDir, out, classpath);
	}

	/**
	 * Like the other {@code run}, with {@code nodeProcesses} node processes for the
	 * processes experiment (0: the mode's default).
	 */
	public static Path run(String mode, String net, Set<String> only, int nodeProcesses, Path benchDir, Path out,
			String classpath) throws IOException, InterruptedException {
		return run(mode, net, only, nodeProcesses, Families.Timing.MODE, benchDir, out, classpath);
	}

	/**
	 * Like the other {@code run}, with the timed families' timing overridden where
	 * {@code timing} is not 0.
	 */
	static Path run(String mode, String net, Set<String> only, int nodeProcesses, Families.Timing timing, Path benchDir,
			Path out, String classpath) throws IOException, InterruptedException {
		Set<String> unknown = new java.util.TreeSet<>(only);
		unknown.removeAll(EXPERIMENTS);
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException(
					"Unknown experiment(s) " + unknown + " in --only; known: " + EXPERIMENTS);
		}
		boolean namespaces = switch (net) {
			case "loopback" -> false;
			case "netns" -> {
				String reason = Network.namespacesUnavailableReason();
				if (!reason.isEmpty()) {
					throw new IllegalStateException("Network namespaces are not available (" + reason
							+ "); run as root, or use --net=loopback for a run without added latency");
				}
				yield true;
			}
			case "auto" -> {
				String reason = mode.equals("smoke") ? "smoke mode" : Network.namespacesUnavailableReason();
				if (!reason.isEmpty()) {
					System.out.println("Namespaces unavailable (" + reason + "): loopback only, no added latency.");
				}
				yield reason.isEmpty();
			}
			default -> throw new IllegalArgumentException("--net is auto, netns or loopback, not '" + net + "'");
		};
		Plan plan = Plan.of(mode, namespaces).only(only);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		NodeProcesses allStages = new NodeProcesses(java, classpath, plan.mode().equals("smoke") ? 0 : 100);
		Report report = new Report();
		environment(report, java);
		int total = plan.caseCount();
		int[] done = { 0 };
		int port = 20100;
		for (Plan.Stage stage : plan.stages()) {
			NetSetting setting = stage.setting();
			if (stage.partisan().size() + stage.raw().size() + stage.pekko().size() + stage.kv().size() == 0) {
				continue;
			}
			try (Network network = Network.up(benchDir, setting)) {
				double rtt = network.measuredRttMillis();
				// Warm-up is for the JIT; on a window-limited link it would only spend
				// minutes moving bytes.
				NodeProcesses processes = (setting.tcpWindowBytes() > 0)
						? allStages.withWarmup(Math.min(10, allStages.warmup())) : allStages;
				List<CaseResult> results = new ArrayList<>();
				results.addAll(processes.run(network, PartisanPeer.class, stage.partisan(), port,
						(label) -> progress(++done[0], total, setting, label)));
				results.addAll(processes.run(network, RawSocketPeer.class, stage.raw(), port + 10,
						(label) -> progress(++done[0], total, setting, label)));
				results.addAll(processes.run(network, PekkoPeer.class, stage.pekko(), port + 12,
						(label) -> progress(++done[0], total, setting, label)));
				for (String profile : List.of("baseline", "partisan")) {
					// The demo's profile decides its channels at start-up: one pair of
					// node processes per profile.
					List<BenchCase> kv = stage.kv().stream().filter((c) -> c.config().equals(profile)).toList();
					results.addAll(processes.run(network, KvPeer.class, kv, port + 14,
							(label) -> progress(++done[0], total, setting, label), List.of(profile)));
				}
				report.add(new Report.Section(setting, rtt, network.state(), results));
				port += 20;
			}
		}
		Families families = Families.of(plan.mode(), only).with(timing);
		if (!families.isEmpty()) {
			// Loopback whatever --net says: at RTT ≈ 0 the runtime, not the network, is
			// measured.
			report.add(new FamilyReport(families, families.run(allStages, port + 100)));
		}
		if (only.isEmpty() || only.contains("ackcost")) {
			AckCost ackCost = AckCost.of(plan.mode());
			System.out.println("[ackcost] acknowledged vs plain channel, loopback");
			report.add(ackCost.markdown(ackCost.run(allStages.withWarmup(0), port)));
		}
		if (only.isEmpty() || only.contains("crash")) {
			CrashScenario crash = CrashScenario.of(plan.mode());
			System.out.println("[crash] a receiver killed with a backlog, loopback");
			report.add(crash.markdown(crash.run(allStages)));
		}
		if (only.contains("processes")) {
			// Too heavy for a default run: a hundred JVMs on the machine at once.
			ClusterScenario cluster = ClusterScenario.of(plan.mode(), nodeProcesses);
			System.out.println("[processes] " + cluster.count() + " node processes, peer-to-peer, loopback");
			report.add(cluster.markdown(cluster.run(java, classpath)));
		}
		report.write(out, plan.mode());
		return out.resolve("REPORT.md");
	}

	private static void progress(int done, int total, NetSetting setting, String label) {
		System.out.printf(Locale.ROOT, "[%3d/%3d] %-16s %s%n", done, total, setting.name(), label);
	}

	private static void environment(Report report, String java) throws IOException, InterruptedException {
		report.environment("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
		report.environment("memory", (osMemoryGiB()) + " GiB");
		String kernel = Network.run(List.of("uname", "-r"), 10);
		report.environment("kernel", (kernel != null) ? kernel.trim() : "?");
		report.environment("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " ("
				+ java + ", -Xmx3g, ParallelGC, one JVM per node)");
		report.environment("latency",
				"netem: not available on this kernel; an NFQUEUE delayer on each namespace's input");
	}

	private static String osMemoryGiB() throws IOException {
		Path meminfo = Path.of("/proc/meminfo");
		if (!Files.exists(meminfo)) {
			return "?";
		}
		for (String line : Files.readAllLines(meminfo)) {
			if (line.startsWith("MemTotal:")) {
				long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
				return String.valueOf(Math.round(kib / 1024.0 / 1024.0));
			}
		}
		return "?";
	}

	private static Path findBenchDir() {
		Path cwd = Path.of("").toAbsolutePath();
		if (Files.exists(cwd.resolve("partisan-bench/pom.xml"))) {
			return cwd.resolve("partisan-bench");
		}
		return cwd;
	}

}
