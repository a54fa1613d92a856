package dev.partisan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What processes have cost the machine so far, read from {@code /proc} (Linux): CPU time
 * (user + system, every thread, GC and JIT included) and context switches (voluntary and
 * not, summed over the threads alive now). Take one sample at each edge of a measured
 * window and subtract.
 *
 * <p>
 * Two limits: CPU time comes in clock ticks ({@code CLK_TCK}, 10 ms on Linux), so a
 * window should last seconds; and the kernel shows context switches per thread only, so a
 * thread that ends inside the window takes its switches with it (the bench's threads live
 * across their windows).
 *
 * @param cpuNanos user + system CPU time of the processes, in nanoseconds
 * @param contextSwitches voluntary + nonvoluntary context switches of their live threads
 */
record ProcessCost(long cpuNanos, long contextSwitches) {

	private static final Path PROC = Path.of("/proc");

	/** Clock ticks per second of {@code /proc/<pid>/stat}'s times. */
	private static final long TICKS_PER_SECOND = ticksPerSecond();

	/** Whether this machine has a {@code /proc} to read. */
	static boolean available() {
		return Files.isReadable(PROC.resolve("self/stat"));
	}

	/** The sum over these processes; a process that has ended counts 0. */
	static ProcessCost of(long... pids) {
		ProcessCost total = new ProcessCost(0, 0);
		for (long pid : pids) {
			total = total.plus(of(pid));
		}
		return total;
	}

	private static ProcessCost of(long pid) {
		Path dir = PROC.resolve(Long.toString(pid));
		try {
			long ticks = cpuTicks(Files.readString(dir.resolve("stat")));
			long switches = 0;
			List<Path> tasks;
			try (Stream<Path> listing = Files.list(dir.resolve("task"))) {
				tasks = listing.toList();
			}
			for (Path task : tasks) {
				try {
					switches += contextSwitches(Files.readString(task.resolve("status")));
				}
				catch (NoSuchFileException ex) {
					// the thread ended between the listing and the read
				}
			}
			return new ProcessCost(ticks * 1_000_000_000L / TICKS_PER_SECOND, switches);
		}
		catch (NoSuchFileException ex) {
			return new ProcessCost(0, 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	ProcessCost plus(ProcessCost other) {
		return new ProcessCost(this.cpuNanos + other.cpuNanos, this.contextSwitches + other.contextSwitches);
	}

	/** What was spent between {@code earlier} and this sample. */
	ProcessCost since(ProcessCost earlier) {
		return new ProcessCost(this.cpuNanos - earlier.cpuNanos, this.contextSwitches - earlier.contextSwitches);
	}

	/**
	 * utime + stime, in clock ticks, of a {@code /proc/<pid>/stat} line. The command name
	 * (field 2) is in parentheses and may itself contain spaces and parentheses, so
	 * fields are counted from the last {@code ')'}: state is field 3, utime 14, stime 15.
	 */
	static long cpuTicks(String stat) {
		int end = stat.lastIndexOf(')');
		if (end < 0) {
			throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
		}
		String[] fields = stat.substring(end + 1).trim().split("\\s+");
		if (fields.length < 13) {
			throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + stat);
		}
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * voluntary + nonvoluntary context switches of a
	 * {@code /proc/<pid>/task/<tid>/status} text.
	 */
	static long contextSwitches(String status) {
		long total = 0;
		for (String line : status.split("\n")) {
			if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
				total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		return total;
	}

	private static long ticksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			getconf.getOutputStream().close();
			String out = new String(getconf.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
				.trim();
			if (getconf.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && getconf.exitValue() == 0
					&& out.matches("[0-9]+")) {
				return Long.parseLong(out);
			}
		}
		catch (IOException ex) {
			// no getconf: Linux's USER_HZ is 100 everywhere
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 100;
	}

}
