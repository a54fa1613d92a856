package dev.partisan.profiling;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;

/**
 * Not a test: a main to run under JFR. Two nodes in this JVM ("a" sends, "b" receives)
 * exchange small messages on loopback, and the process's CPU time and context switches
 * are divided by the messages (or round trips) of the measured window: figures that hold
 * still on a shared machine where wall-clock ones do not. Both nodes are in the figures.
 *
 * <p>
 * Modes:
 * <ul>
 * <li>{@code oneway}: {@code senders} threads on "a" forward messages of {@code size}
 * bytes to a handler on "b", at most {@code window} in flight per sender; the handler
 * gives the sender room again {@link #CREDIT} messages at a time (straight through
 * memory, so the window costs no messages of its own).</li>
 * <li>{@code pingpong}: one thread on "a" forwards a message to a handler on "b", which
 * forwards it back to a handler on "a", which wakes the thread for the next one.</li>
 * <li>{@code call}: one thread on "a" calls a request handler on "b" and waits for its
 * reply.</li>
 * </ul>
 * Context switches are read from {@code /proc/self/task/}{@code *}{@code /status}
 * (voluntary and non-voluntary) before and after the window and are also given per thread
 * group (the thread's name without its number), or per thread: in the round-trip modes a
 * thread with about one switch per round trip is a thread the message crosses.
 *
 * <p>
 * Arguments: {@code mode seconds [size] [window] [senders]}. Run it with the test class
 * path, e.g. {@code java -XX:StartFlightRecording=filename=x.jfr,settings=profile -cp ...
 * dev.partisan.profiling.SmallMessageProfile oneway 10 100 1000 1}.
 */
public final class SmallMessageProfile {

	/**
	 * With {@code -Dprofile.threads=each}, context switches are given per thread (name
	 * and id) rather than per group: a thread with about one per round trip is one the
	 * message crosses.
	 */
	/**
	 * With {@code -Dprofile.work=N}, the one-way handler busies itself N nanoseconds per
	 * message, so its mailbox backs up (a handler slower than its feed).
	 */
	static final long WORK_NANOS = Long.getLong("profile.work", 0);

	/** The handler's work; see {@link #WORK_NANOS}. */
	static void work() {
		if (WORK_NANOS > 0) {
			long until = System.nanoTime() + WORK_NANOS;
			while (System.nanoTime() - until < 0) {
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * With {@code -Dprofile.perf=true}, {@code perf stat} counts the system calls of the
	 * measured window.
	 */
	static final boolean PERF = Boolean.getBoolean("profile.perf");

	static final boolean EACH_THREAD = "each".equals(System.getProperty("profile.threads"));

	/** Messages a receiving handler takes before it gives its sender that much room. */
	static final int CREDIT = 64;

	private SmallMessageProfile() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		int seconds = Integer.parseInt(args[1]);
		int size = (args.length > 2) ? Integer.parseInt(args[2]) : 100;
		int window = (args.length > 3) ? Integer.parseInt(args[3]) : 1000;
		int senders = (args.length > 4) ? Integer.parseInt(args[4]) : 1;
		PartisanNode b = PartisanNode.create(config("b")).start();
		PartisanNode a = PartisanNode.create(config("a")).start();
		try {
			a.syncJoin(b.localNode()).get(30, TimeUnit.SECONDS);
			switch (mode) {
				case "oneway" -> oneway(a, b, seconds, size, window, senders);
				case "pingpong", "call" -> roundTrips(a, b, seconds, size, mode.equals("call"));
				default -> throw new IllegalArgumentException("mode is oneway, pingpong or call: " + mode);
			}
		}
		finally {
			a.close();
			b.close();
		}
	}

	private static PartisanConfig config(String name) {
		return PartisanConfig.builder(name).host("127.0.0.1").port(0).channel("p", 1).build();
	}

	private static void oneway(PartisanNode a, PartisanNode b, int seconds, int size, int window, int senders)
			throws Exception {
		Semaphore[] room = new Semaphore[senders];
		AtomicLong received = new AtomicLong();
		for (int i = 0; i < senders; i++) {
			Semaphore mine = new Semaphore(window);
			room[i] = mine;
			long[] taken = new long[1];
			b.register("sink-" + i, byte[].class, (payload, meta) -> {
				work();
				received.incrementAndGet();
				if (++taken[0] % CREDIT == 0) {
					mine.release(CREDIT);
				}
			});
		}
		NodeId to = b.localNode().id();
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch done = new CountDownLatch(senders);
		for (int i = 0; i < senders; i++) {
			int id = i;
			Thread thread = new Thread(() -> {
				byte[] payload = new byte[size];
				ForwardOptions options = ForwardOptions.channel("p").sender("sender-" + id);
				String sink = "sink-" + id;
				try {
					while (running.get()) {
						if (!room[id].tryAcquire(30, TimeUnit.SECONDS)) {
							throw new IllegalStateException("no room in 30 s");
						}
						a.forward(to, sink, payload, options);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					done.countDown();
				}
			}, "driver-" + i);
			thread.start();
		}
		Window measured = Window.measure(seconds, received::get, new AtomicBoolean(), 1_000_000);
		running.set(false);
		done.await(60, TimeUnit.SECONDS);
		System.out.printf("oneway size=%d window=%d senders=%d%n", size, window, senders);
		measured.print("msg");
	}

	private static void roundTrips(PartisanNode a, PartisanNode b, int seconds, int size, boolean call)
			throws Exception {
		Semaphore back = new Semaphore(0);
		NodeId home = a.localNode().id();
		NodeId to = b.localNode().id();
		ForwardOptions options = ForwardOptions.channel("p").sender("driver");
		if (call) {
			b.registerRequestHandler("echo", byte[].class, (payload, meta) -> payload);
		}
		else {
			b.register("echo", byte[].class, (payload, meta) -> b.forward(home, "back", payload, options));
			a.register("back", byte[].class, (payload, meta) -> back.release());
		}
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong trips = new AtomicLong();
		// Latencies of the measured window only, in a bounded ring.
		long[] latencies = new long[1 << 20];
		AtomicBoolean measuring = new AtomicBoolean();
		AtomicLong recorded = new AtomicLong();
		Thread driver = new Thread(() -> {
			byte[] payload = new byte[size];
			try {
				while (running.get()) {
					long start = System.nanoTime();
					if (call) {
						a.call(to, "echo", payload, byte[].class, options, Duration.ofSeconds(30))
							.get(30, TimeUnit.SECONDS);
					}
					else {
						a.forward(to, "echo", payload, options);
						if (!back.tryAcquire(30, TimeUnit.SECONDS)) {
							throw new IllegalStateException("no pong in 30 s");
						}
					}
					long took = System.nanoTime() - start;
					trips.incrementAndGet();
					if (measuring.get()) {
						long n = recorded.getAndIncrement();
						latencies[(int) (n & (latencies.length - 1))] = took;
					}
				}
			}
			catch (Exception ex) {
				if (running.get()) {
					ex.printStackTrace();
				}
			}
		}, "driver");
		driver.start();
		Window measured = Window.measure(seconds, trips::get, measuring, 30_000);
		running.set(false);
		driver.join(60_000);
		int n = (int) Math.min(recorded.get(), latencies.length);
		long[] sorted = Arrays.copyOf(latencies, n);
		Arrays.sort(sorted);
		System.out.printf("%s size=%d%n", call ? "call" : "pingpong", size);
		measured.print("round trip");
		if (n > 0) {
			System.out.printf("  latency p50=%.1f us p99=%.1f us p99.9=%.1f us%n", sorted[n / 2] / 1e3,
					sorted[(int) (n * 0.99)] / 1e3, sorted[(int) (n * 0.999)] / 1e3);
		}
	}

	/** CPU time, context switches and wall time of a measured window. */
	private record Window(long count, long wallNanos, long cpuNanos, long sysTicks, long switches, long syscalls,
			Map<String, Long> byGroup) {

		/**
		 * Measures {@code seconds} once {@code warmUp} messages went by and at least 2 s
		 * passed (at most 60 s): on a busy machine the compiler threads get little CPU,
		 * and a window measured before the code is compiled measures the interpreter.
		 */
		static Window measure(int seconds, java.util.function.LongSupplier counter, AtomicBoolean measuring,
				long warmUp) throws Exception {
			long start = System.nanoTime();
			while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)
					|| (counter.getAsLong() < warmUp && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60))) {
				Thread.sleep(100);
			}
			com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
				.getOperatingSystemMXBean();
			Map<String, Long> before = switchesByGroup();
			long sys0 = systemTicks();
			long count0 = counter.getAsLong();
			long cpu0 = os.getProcessCpuTime();
			long t0 = System.nanoTime();
			measuring.set(true);
			Process perf = PERF ? startPerf(seconds) : null;
			Thread.sleep(seconds * 1000L);
			measuring.set(false);
			long cpu = os.getProcessCpuTime() - cpu0;
			long wall = System.nanoTime() - t0;
			long count = counter.getAsLong() - count0;
			long sys = systemTicks() - sys0;
			Map<String, Long> after = switchesByGroup();
			Map<String, Long> delta = new TreeMap<>();
			long total = 0;
			for (Map.Entry<String, Long> entry : after.entrySet()) {
				long d = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
				delta.put(entry.getKey(), d);
				if (!entry.getKey().equals(INVOLUNTARY)) {
					total += d;
				}
			}
			long syscalls = (perf != null) ? SmallMessageProfile.syscalls(perf) : -1;
			return new Window(count, wall, cpu, sys, total, syscalls, delta);
		}

		void print(String unit) {
			long n = Math.max(1, this.count);
			System.out.printf("  %d %ss in %.1f s: %.0f/s, cpu/%s=%.2f us, ctx switches/%s=%.2f%n", this.count, unit,
					this.wallNanos / 1e9, this.count / (this.wallNanos / 1e9), unit, this.cpuNanos / 1e3 / n, unit,
					this.switches / (double) n);
			if (this.syscalls >= 0) {
				System.out.printf("  syscalls/%s=%.2f%n", unit, this.syscalls / (double) n);
			}
			// The kernel counts in clock ticks, 100 a second.
			System.out.printf("  of which in the kernel: %.0f%%%n",
					100.0 * this.sysTicks * 1e7 / Math.max(1, this.cpuNanos));
			System.out.printf("  of the switches, involuntary (preempted): %.2f/%s%n",
					this.byGroup.getOrDefault(INVOLUNTARY, 0L) / (double) n, unit);
			System.out.printf("  ctx switches/%s by thread group:", unit);
			this.byGroup.forEach((group, d) -> {
				if (group.equals(INVOLUNTARY)) {
					return;
				}
				if (d / (double) n >= 0.01) {
					System.out.printf(" %s=%.2f", group, d / (double) n);
				}
			});
			System.out.println();
		}

	}

	/**
	 * Counts this process's system calls for {@code seconds} with {@code perf stat}
	 * (needs perf and its tracepoints).
	 */
	static Process startPerf(int seconds) throws IOException {
		return new ProcessBuilder("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p",
				String.valueOf(ProcessHandle.current().pid()), "--timeout", String.valueOf(seconds * 1000))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	/** The count {@code perf stat -x ,} writes on its standard error once it ends. */
	static long syscalls(Process perf) throws IOException, InterruptedException {
		String out = new String(perf.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		perf.waitFor(30, TimeUnit.SECONDS);
		for (String line : out.split("\n")) {
			if (line.contains("raw_syscalls:sys_enter")) {
				return Long.parseLong(line.substring(0, line.indexOf(',')).trim());
			}
		}
		throw new IllegalStateException("perf stat said: " + out);
	}

	/** The process's CPU time in the kernel so far, in clock ticks (stime). */
	static long systemTicks() throws IOException {
		String stat = Files.readString(Path.of("/proc/self/stat"));
		// The fields after the command name, which is in parentheses and may hold spaces.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[12]);
	}

	/** The key under which {@link #switchesByGroup()} sums the involuntary switches. */
	static final String INVOLUNTARY = "(involuntary)";

	/**
	 * Voluntary and non-voluntary context switches of this process's threads, summed by
	 * thread name less its trailing number (the kernel keeps 15 characters of the name).
	 */
	static Map<String, Long> switchesByGroup() throws IOException {
		Map<String, Long> groups = new TreeMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				String name = "?";
				long switches = 0;
				long involuntary = 0;
				try {
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("Name:")) {
							name = line.substring(5).trim();
							name = EACH_THREAD ? name + "#" + task.getFileName() : name.replaceAll("[-_#]?[0-9]+$", "");
						}
						else if (line.startsWith("voluntary_ctxt_switches:")) {
							switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
						else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
							long preempted = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
							switches += preempted;
							involuntary += preempted;
						}
					}
				}
				catch (IOException ex) {
					// The thread ended meanwhile.
					continue;
				}
				groups.merge(name, switches, Long::sum);
				groups.merge(INVOLUNTARY, involuntary, Long::sum);
			}
		}
		return groups;
	}

}
