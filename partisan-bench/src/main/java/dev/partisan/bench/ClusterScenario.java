package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Many real node processes on one machine, peer-to-peer: starts {@code count} JVMs of
 * {@link ClusterNodePeer} (lean flags, loopback, each joining through a few earlier
 * nodes), waits until membership has converged (every active view between 1 and its
 * bound, naming only live nodes, the union graph connected), broadcasts once and checks
 * every node got it exactly once, kills {@code killPercent}% of the processes with
 * SIGKILL, waits until no survivor's view names a killed node (detection) and the
 * survivors' overlay has converged again (repair), then broadcasts again and checks every
 * survivor got it exactly once. Memory is each process's resident set ({@code VmRSS}).
 * Every child is killed at the end, also on failure and on the coordinator's own exit.
 *
 * @param count node processes
 * @param killPercent share of them killed
 * @param startWindow processes starting at once (the rest wait), so start-up does not
 * starve the already running nodes' heartbeats on a small machine
 */
record ClusterScenario(int count, int killPercent, int startWindow) {

	/** The JVM flags of each node: small stacks and heap, serial GC, C1 only. */
	static final List<String> LEAN_FLAGS = List.of("-Xss256k", "-Xms16m", "-Xmx64m", "-XX:MaxDirectMemorySize=32m",
			"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xshare:auto",
			"-XX:ReservedCodeCacheSize=32m", "-Dio.netty.allocator.numDirectArenas=1",
			"-Dio.netty.allocator.numHeapArenas=1");

	private static final long WAIT_SECONDS = 180;

	/**
	 * What one run saw.
	 *
	 * @param processes node processes started
	 * @param killed processes killed
	 * @param startSeconds from the first start until every process had joined
	 * @param convergeSeconds from then until membership had converged
	 * @param rssMiB resident set sizes, MiB, sorted, taken after convergence
	 * @param firstBroadcast nodes that got the first broadcast, and how many exactly once
	 * @param secondBroadcast the same for the broadcast after the kill
	 * @param detectSeconds from the kill until no survivor's active view named a killed
	 * node
	 * @param repairSeconds from the kill until the survivors' overlay had converged
	 * @param activeBefore mean active view size before the kill
	 * @param activeAfter mean active view size after the repair
	 * @param violations the properties that did not hold, empty when all did
	 */
	record Outcome(int processes, int killed, double startSeconds, double convergeSeconds, List<Double> rssMiB,
			int[] firstBroadcast, int[] secondBroadcast, double detectSeconds, double repairSeconds,
			double activeBefore, double activeAfter, List<String> violations) {
	}

	static ClusterScenario of(String mode, int count) {
		return new ClusterScenario((count > 0) ? count : (mode.equals("smoke") ? 8 : 100), 20, 2);
	}

	/** One child process and what it has said. */
	private static final class Member {

		final String name;

		final Process process;

		final OutputStream in;

		final CompletableFuture<String> address = new CompletableFuture<>();

		final Map<String, Integer> got = new ConcurrentHashMap<>();

		volatile long viewSeq = -1;

		volatile List<String> active = List.of();

		volatile int passive;

		Member(String name, Process process) {
			this.name = name;
			this.process = process;
			this.in = process.getOutputStream();
		}

		synchronized void send(String line) {
			try {
				this.in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				this.in.flush();
			}
			catch (IOException ex) {
				// a killed process: its views are no longer read
			}
		}

		void read() {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = out.readLine(); line != null; line = out.readLine()) {
					String[] words = line.split(" ", 4);
					switch (words[0]) {
						case "READY" -> this.address.complete(words[1]);
						case "GOT" -> this.got.merge(words[1], 1, Integer::sum);
						case "VIEW" -> {
							this.passive = Integer.parseInt(words[2]);
							this.active = (words.length < 4 || words[3].isEmpty()) ? List.of()
									: Arrays.asList(words[3].split(","));
							this.viewSeq = Long.parseLong(words[1]);
						}
						default -> {
							// other output is not part of the protocol
						}
					}
				}
			}
			catch (IOException ex) {
				// killed: its output ends here
			}
			this.address.completeExceptionally(new IllegalStateException(this.name + " exited before it joined"));
		}

	}

	Outcome run(String java, String classpath) throws IOException, InterruptedException {
		List<Member> all = Collections.synchronizedList(new ArrayList<>());
		Thread killer = new Thread(() -> all.forEach((m) -> m.process.destroyForcibly()), "cluster-children-killer");
		Runtime.getRuntime().addShutdownHook(killer);
		Random random = new Random(14);
		long[] viewSeq = { 0 };
		try {
			List<String> violations = new ArrayList<>();
			long started = System.nanoTime();
			List<String> ready = new ArrayList<>();
			Deque<Member> starting = new ArrayDeque<>();
			for (int i = 0; i < this.count; i++) {
				// The first node must be up before anyone can join; later, the oldest
				// starting process is waited for once the window is full.
				while (!starting.isEmpty() && (ready.isEmpty() || starting.size() >= this.startWindow
						|| starting.peek().address.isDone())) {
					ready.add(joined(starting.poll()));
				}
				List<String> seeds = new ArrayList<>(ready);
				Collections.shuffle(seeds, random);
				String seedArg = (i == 0) ? "-" : String.join(",", seeds.subList(0, Math.min(3, seeds.size())));
				Member member = start(java, classpath, String.format(Locale.ROOT, "n%03d", i), seedArg);
				all.add(member);
				starting.add(member);
			}
			while (!starting.isEmpty()) {
				joined(starting.poll());
			}
			double startSeconds = (System.nanoTime() - started) / 1e9;
			System.out.printf(Locale.ROOT, "[processes] %d joined in %.1f s%n", this.count, startSeconds);

			long joinedAt = System.nanoTime();
			List<Member> live = new ArrayList<>(all);
			await(() -> converged(live, viewSeq), "membership of " + this.count + " processes to converge");
			double convergeSeconds = (System.nanoTime() - joinedAt) / 1e9;
			System.out.printf(Locale.ROOT, "[processes] converged after %.1f s more%n", convergeSeconds);
			double activeBefore = live.stream().mapToInt((m) -> m.active.size()).average().orElse(0);
			List<Double> rss = new ArrayList<>();
			for (Member m : live) {
				rss.add(rssMiB(m.process.pid()));
			}
			Collections.sort(rss);

			int[] first = broadcast(live.get(0), live, "b1", violations);

			List<Member> victims = new ArrayList<>(live.subList(1, live.size()));
			Collections.shuffle(victims, random);
			victims = victims.subList(0, this.count * this.killPercent / 100);
			Set<String> killedNames = victims.stream().map((m) -> m.name).collect(Collectors.toSet());
			long killedAt = System.nanoTime();
			for (Member m : victims) {
				m.process.destroyForcibly();
			}
			live.removeAll(victims);
			await(() -> {
				refreshViews(live, viewSeq);
				return live.stream().noneMatch((m) -> m.active.stream().anyMatch(killedNames::contains));
			}, "no survivor to name a killed node");
			double detectSeconds = (System.nanoTime() - killedAt) / 1e9;
			await(() -> converged(live, viewSeq), "the survivors' overlay to converge");
			double repairSeconds = (System.nanoTime() - killedAt) / 1e9;
			System.out.printf(Locale.ROOT, "[processes] %d killed: detected in %.1f s, repaired in %.1f s%n",
					victims.size(), detectSeconds, repairSeconds);
			double activeAfter = live.stream().mapToInt((m) -> m.active.size()).average().orElse(0);

			int[] second = broadcast(live.get(live.size() - 1), live, "b2", violations);
			return new Outcome(this.count, victims.size(), startSeconds, convergeSeconds, rss, first, second,
					detectSeconds, repairSeconds, activeBefore, activeAfter, violations);
		}
		finally {
			for (Member m : all) {
				try {
					m.in.close();
				}
				catch (IOException ex) {
					// already gone
				}
			}
			for (Member m : all) {
				if (!m.process.waitFor(5, TimeUnit.SECONDS)) {
					m.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			Runtime.getRuntime().removeShutdownHook(killer);
		}
	}

	private static String joined(Member m) throws IOException, InterruptedException {
		try {
			return m.address.get(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IOException(m.name + " did not start and join", ex);
		}
	}

	private static Member start(String java, String classpath, String name, String seeds) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(LEAN_FLAGS);
		command.addAll(List.of("-Dlogback.configurationFile=bench-logback.xml", "-cp", classpath,
				ClusterNodePeer.class.getName(), name, seeds));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		Member member = new Member(name, process);
		Thread reader = new Thread(member::read, "cluster-" + name);
		reader.setDaemon(true);
		reader.start();
		return member;
	}

	/** Asks every member for its views and waits (bounded) until all have answered. */
	private static void refreshViews(List<Member> live, long[] viewSeq) {
		long seq = ++viewSeq[0];
		live.forEach((m) -> m.send("VIEW " + seq));
		long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (live.stream().anyMatch((m) -> m.viewSeq < seq) && System.nanoTime() < limit) {
			sleep(20);
		}
	}

	/**
	 * Every view between 1 and its bound, naming only live members (so none killed), and
	 * the union graph connected over all of them.
	 */
	private static boolean converged(List<Member> live, long[] viewSeq) {
		refreshViews(live, viewSeq);
		Set<String> names = live.stream().map((m) -> m.name).collect(Collectors.toSet());
		Map<String, Set<String>> graph = new HashMap<>();
		for (Member m : live) {
			List<String> active = m.active;
			if (active.isEmpty() || active.size() > ClusterNodePeer.SETTINGS.activeMax()
					|| !names.containsAll(active)) {
				return false;
			}
			for (String peer : active) {
				graph.computeIfAbsent(m.name, (k) -> new HashSet<>()).add(peer);
				graph.computeIfAbsent(peer, (k) -> new HashSet<>()).add(m.name);
			}
		}
		Set<String> seen = new HashSet<>(List.of(live.get(0).name));
		Deque<String> queue = new ArrayDeque<>(seen);
		while (!queue.isEmpty()) {
			for (String next : graph.getOrDefault(queue.poll(), Set.of())) {
				if (seen.add(next)) {
					queue.add(next);
				}
			}
		}
		return seen.equals(names);
	}

	/**
	 * Broadcasts {@code id} from {@code from}, waits (bounded) until every live member
	 * got it, then a few seconds for duplicates; returns {reached, reached exactly once}.
	 */
	private static int[] broadcast(Member from, List<Member> live, String id, List<String> violations)
			throws InterruptedException {
		from.send("BCAST " + id);
		long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (live.stream().anyMatch((m) -> !m.got.containsKey(id)) && System.nanoTime() < limit) {
			Thread.sleep(20);
		}
		Thread.sleep(3_000);
		int reached = (int) live.stream().filter((m) -> m.got.containsKey(id)).count();
		int once = (int) live.stream().filter((m) -> m.got.getOrDefault(id, 0) == 1).count();
		if (reached != live.size()) {
			violations.add("broadcast " + id + " reached every live node (" + reached + " of " + live.size() + ")");
		}
		if (once != reached) {
			violations.add("broadcast " + id + " delivered once per node (" + (reached - once) + " got it more often)");
		}
		System.out.printf(Locale.ROOT, "[processes] broadcast %s: %d of %d, %d exactly once%n", id, reached,
				live.size(), once);
		return new int[] { reached, once };
	}

	private static double rssMiB(long pid) throws IOException {
		Path status = Path.of("/proc", String.valueOf(pid), "status");
		if (!Files.exists(status)) {
			return Double.NaN;
		}
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
			}
		}
		return Double.NaN;
	}

	private static void await(BooleanSupplier condition, String what) {
		long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > limit) {
				throw new IllegalStateException("Gave up after " + WAIT_SECONDS + " s waiting for " + what);
			}
			sleep(200);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	String markdown(Outcome o) {
		StringBuilder md = new StringBuilder(
				"## Processes: a peer-to-peer cluster of real node processes (loopback)\n\n");
		md.append(String.format(Locale.ROOT,
				"%d JVMs, each one plain core node on the peer-to-peer overlay (HyParView active %d, passive %d; "
						+ "heartbeat %d s, failure timeout %d s), flags `%s`, at most %d starting at once; "
						+ "%d of them killed with SIGKILL.%n%n",
				o.processes(), ClusterNodePeer.SETTINGS.activeMax(), ClusterNodePeer.SETTINGS.passiveMax(),
				ClusterNodePeer.HEARTBEAT.toSeconds(), ClusterNodePeer.FAILURE_TIMEOUT.toSeconds(),
				String.join(" ", LEAN_FLAGS), this.startWindow, o.killed()));
		List<Double> rss = o.rssMiB();
		double total = rss.stream().mapToDouble(Double::doubleValue).sum();
		md.append("| processes | all joined s | then converged s | RSS per process MiB (min / median / max) "
				+ "| RSS total MiB | mean active view | killed | detected s | repaired s | mean active view after "
				+ "| broadcast 1: reached / once | broadcast 2: reached / once |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		md.append(String.format(Locale.ROOT,
				"| %d | %.1f | %.1f | %.0f / %.0f / %.0f | %.0f | %.1f | %d | %.1f | %.1f | %.1f | %d / %d | %d / %d |%n%n",
				o.processes(), o.startSeconds(), o.convergeSeconds(), rss.get(0), rss.get(rss.size() / 2),
				rss.get(rss.size() - 1), total, o.activeBefore(), o.killed(), o.detectSeconds(), o.repairSeconds(),
				o.activeAfter(), o.firstBroadcast()[0], o.firstBroadcast()[1], o.secondBroadcast()[0],
				o.secondBroadcast()[1]));
		if (o.violations().isEmpty()) {
			md.append("Membership converged (every active view between 1 and its bound, the union graph connected), ")
				.append("each broadcast reached every live node exactly once, and after the kill no survivor's view ")
				.append("named a killed node and the survivors were connected again.\n\n");
		}
		else {
			md.append("**Violated:** ").append(String.join("; ", o.violations())).append(".\n\n");
		}
		return md.toString();
	}

}
