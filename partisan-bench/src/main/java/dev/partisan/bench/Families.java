package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The timed loopback families, whose cases last seconds and are interleaved with their
 * counterparts so that a drift of a shared machine's load favours none of them:
 * <ul>
 * <li>{@code reqack}: the papers' request/acknowledgement workload (N senders, each
 * waiting for the acknowledgement of its message before the next), P = 1 and 16, N = 16
 * and 64, 1 MiB and 1 KiB; Partisan against raw sockets ({@code raw-shared} for one
 * connection, {@code raw-per-sender} for P).
 * <li>{@code oneway}: pipelined one-way messages of 100 B and 1 KiB from 1 and 4 senders,
 * each at most {@link Driven#WINDOW} ahead of what the receiver has reported; Partisan,
 * raw sockets and Pekko Artery.
 * <li>{@code pingpong}: one 100 B message at a time and its reply; Partisan by forward
 * (the reply is a forward back) and by call, raw sockets, and Pekko by {@code tell} (the
 * reply is a tell back) and by {@code ask}.
 * </ul>
 * One receiver JVM and one sender JVM per transport stay up for the whole run; the sender
 * ({@link Driven}) runs one case when told. An unmeasured warm-up pass runs every case
 * once first (on a busy machine the JIT needs more than one case's lead-in); then
 * repetition r runs every row's counterparts one after the other, their order rotated by
 * r − 1 (A B C, B C A, C A B, …). Each case runs for a lead-in and then its measured
 * window.
 *
 * @param names the families to run, in the order run
 * @param repetitions repetitions of every case
 * @param warmupMillis the lead-in of each case's warm-up run
 * @param leadInMillis the lead-in of each measured case
 * @param windowMillis the measured window of every case
 * @param smoke whether to run the smoke rows (a few small cases) instead of the full ones
 */
record Families(List<String> names, int repetitions, int warmupMillis, int leadInMillis, int windowMillis,
		boolean smoke) {

	/** Every family, in the order they run. */
	static final List<String> ALL = List.of("reqack", "oneway", "pingpong");

	/** The window of a warm-up case: it is measured only to see that the case works. */
	private static final int WARMUP_WINDOW_MILLIS = 500;

	private static final int KIB = 1024;

	private static final int MIB = 1024 * 1024;

	/** Pekko Artery's sender and receiver, and raw sockets, next to Partisan's. */
	private static final Map<String, Class<?>> PEERS = Map.of("partisan", PartisanPeer.class, "raw",
			RawSocketPeer.class, "pekko", PekkoPeer.class);

	/** One transport in one configuration. */
	record Counterpart(String transport, String config) {
	}

	/** One shape of a family and the counterparts measured on it. */
	record Row(String family, int lanes, int senders, int size, List<Counterpart> counterparts) {

		boolean matches(Driven.Task task) {
			return task.family().equals(this.family) && task.lanes() == this.lanes && task.senders() == this.senders
					&& task.size() == this.size;
		}

	}

	/**
	 * The families of {@code only} (all when it is empty) with the mode's timing: smoke
	 * runs a few small cases for a fraction of a second; quick and full warm every case
	 * up for 1.5 s, then run it 3 times for 3 s after a lead-in of 0.5 s.
	 */
	static Families of(String mode, Set<String> only) {
		List<String> names = ALL.stream().filter((n) -> only.isEmpty() || only.contains(n)).toList();
		if (mode.equals("smoke")) {
			return new Families(names, 2, 500, 100, 300, true);
		}
		return new Families(names, 3, 1_500, 500, 3_000, false);
	}

	/**
	 * Timing that overrides a mode's (from the command line); a value of 0 keeps the
	 * mode's.
	 *
	 * @param repetitions repetitions of every case
	 * @param windowMillis the measured window
	 * @param warmupMillis the lead-in of each case's warm-up run
	 */
	record Timing(int repetitions, int windowMillis, int warmupMillis) {

		static final Timing MODE = new Timing(0, 0, 0);

	}

	/** The same with {@code timing}'s non-zero values instead of this one's. */
	Families with(Timing timing) {
		return new Families(this.names, (timing.repetitions() > 0) ? timing.repetitions() : this.repetitions,
				(timing.warmupMillis() > 0) ? timing.warmupMillis() : this.warmupMillis, this.leadInMillis,
				(timing.windowMillis() > 0) ? timing.windowMillis() : this.windowMillis, this.smoke);
	}

	boolean isEmpty() {
		return this.names.isEmpty();
	}

	List<Row> rows() {
		List<Row> rows = new ArrayList<>();
		for (String name : this.names) {
			switch (name) {
				case "reqack" -> {
					List<int[]> shapes = this.smoke ? List.of(new int[] { 1, 2, 64 * KIB }, new int[] { 16, 4, KIB })
							: List.of(new int[] { 1, 16, MIB }, new int[] { 1, 64, MIB }, new int[] { 16, 16, MIB },
									new int[] { 16, 64, MIB }, new int[] { 1, 16, KIB }, new int[] { 1, 64, KIB },
									new int[] { 16, 16, KIB }, new int[] { 16, 64, KIB });
					for (int[] shape : shapes) {
						List<Counterpart> counterparts = (shape[0] == 1)
								? List.of(new Counterpart("partisan", "baseline"), new Counterpart("raw", "raw-shared"))
								: List.of(new Counterpart("partisan", "affinity"),
										new Counterpart("raw", "raw-per-sender"));
						rows.add(new Row(name, shape[0], shape[1], shape[2], counterparts));
					}
				}
				case "oneway" -> {
					List<int[]> shapes = this.smoke ? List.of(new int[] { 1, 100 }, new int[] { 4, KIB }) : List
						.of(new int[] { 1, 100 }, new int[] { 4, 100 }, new int[] { 1, KIB }, new int[] { 4, KIB });
					for (int[] shape : shapes) {
						// one lane or connection per sender
						rows.add(new Row(name, shape[0], shape[0], shape[1],
								List.of(new Counterpart("partisan", "partisan"), new Counterpart("raw", "raw"),
										new Counterpart("pekko", "pekko"))));
					}
				}
				case "pingpong" -> rows.add(new Row(name, 1, 1, 100,
						List.of(new Counterpart("partisan", "partisan-forward"),
								new Counterpart("partisan", "partisan-call"), new Counterpart("raw", "raw"),
								new Counterpart("pekko", "pekko-tell"), new Counterpart("pekko", "pekko-ask"))));
				default -> throw new IllegalArgumentException("unknown family " + name);
			}
		}
		return rows;
	}

	/**
	 * Every case in the order run: first a warm-up pass (repetition 0: each counterpart
	 * of each row once, its lead-in the warm-up, its short window not reported), then the
	 * repetitions.
	 */
	List<Driven.Task> schedule() {
		List<Driven.Task> tasks = new ArrayList<>();
		List<Row> rows = rows();
		for (int repetition = 0; repetition <= this.repetitions; repetition++) {
			for (Row row : rows) {
				int n = row.counterparts().size();
				for (int j = 0; j < n; j++) {
					Counterpart c = row.counterparts().get((j + Math.max(0, repetition - 1)) % n);
					int leadIn = (repetition == 0) ? this.warmupMillis : this.leadInMillis;
					int window = (repetition == 0) ? Math.min(this.windowMillis, WARMUP_WINDOW_MILLIS)
							: this.windowMillis;
					tasks.add(new Driven.Task(row.family(), c.transport(), c.config(), row.lanes(), row.senders(),
							row.size(), repetition, leadIn, window));
				}
			}
		}
		return tasks;
	}

	/**
	 * Starts a receiver and a driven sender JVM per transport on loopback from
	 * {@code port} on, runs the schedule, stops every JVM (also on failure), and returns
	 * what each case measured in the order run.
	 */
	List<Driven.Measured> run(NodeProcesses processes, int port) throws IOException, InterruptedException {
		List<Driven.Task> schedule = schedule();
		Set<String> transports = new LinkedHashSet<>();
		schedule.forEach((t) -> transports.add(t.transport()));
		long seconds = schedule.stream().mapToLong((t) -> t.leadInMillis() + t.windowMillis()).sum() / 1000;
		System.out.printf(Locale.ROOT, "[families] %s: %d cases, about %d s of sending%n", String.join(",", this.names),
				schedule.size(), seconds);
		Map<String, Pair> pairs = new LinkedHashMap<>();
		List<Driven.Measured> results = new ArrayList<>();
		try {
			int next = port;
			for (String transport : transports) {
				pairs.put(transport, Pair.receiver(processes, transport, next));
				next += 10;
			}
			for (Pair pair : pairs.values()) {
				pair.awaitReceiver();
				pair.startSender(processes);
			}
			for (Pair pair : pairs.values()) {
				pair.awaitSender();
			}
			int done = 0;
			for (Driven.Task task : schedule) {
				Pair pair = pairs.get(task.transport());
				Driven.Measured measured = (pair != null) ? pair.run(task)
						: Driven.Measured.failed(task, "no process pair for " + task.transport());
				results.add(measured);
				System.out.printf(Locale.ROOT, "[%-8s %3d/%3d] %-9s %s: %s%n", task.family(), ++done, schedule.size(),
						task.transport(), task.label(), measured.summary());
			}
		}
		finally {
			for (Pair pair : pairs.values()) {
				pair.close();
			}
		}
		return results;
	}

	/**
	 * One transport's receiver JVM and driven sender JVM, their standard output read line
	 * by line on a thread of its own each so that no wait is unbounded.
	 */
	private static final class Pair implements AutoCloseable {

		private static final String END = "\u0000end";

		private final String transport;

		private final Class<?> main;

		private final int port;

		private final Process receiver;

		private final BlockingQueue<String> receiverLines = new LinkedBlockingQueue<>();

		private @Nullable Process sender;

		private final BlockingQueue<String> senderLines = new LinkedBlockingQueue<>();

		/** Why this pair can run no more cases; empty while it can. */
		private String broken = "";

		private Pair(String transport, Class<?> main, int port, Process receiver) {
			this.transport = transport;
			this.main = main;
			this.port = port;
			this.receiver = receiver;
			drain(receiver, this.receiverLines, transport + "-receiver");
		}

		static Pair receiver(NodeProcesses processes, String transport, int port) throws IOException {
			Class<?> main = PEERS.get(transport);
			if (main == null) {
				throw new IllegalArgumentException("unknown transport " + transport);
			}
			return new Pair(transport, main, port,
					processes.start(main, List.of("receiver", "127.0.0.1", String.valueOf(port))));
		}

		void awaitReceiver() throws IOException, InterruptedException {
			await(this.receiverLines, Protocol.READY, 120, "the " + this.transport + " receiver");
		}

		void startSender(NodeProcesses processes) throws IOException {
			Process started = processes.start(this.main, List.of("driven", "127.0.0.1", String.valueOf(this.port + 1),
					"receiver@127.0.0.1:" + this.port, String.valueOf(this.receiver.pid())));
			this.sender = started;
			drain(started, this.senderLines, this.transport + "-sender");
		}

		void awaitSender() throws IOException, InterruptedException {
			await(this.senderLines, Protocol.READY, 180, "the " + this.transport + " sender");
		}

		Driven.Measured run(Driven.Task task) throws InterruptedException {
			Process running = this.sender;
			if (running == null || !this.broken.isEmpty()) {
				return Driven.Measured.failed(task, this.broken.isEmpty() ? "no sender" : this.broken);
			}
			try {
				OutputStream in = running.getOutputStream();
				in.write((Driven.TASK + Protocol.json(task) + "\n").getBytes(StandardCharsets.UTF_8));
				in.flush();
				long timeout = (task.leadInMillis() + task.windowMillis()) / 1000
						+ 2 * Driven.STALL_NANOS / 1_000_000_000 + RequestAckLoop.ACK_TIMEOUT_SECONDS * 2;
				String line = await(this.senderLines, Driven.MEASURED, timeout, "the " + this.transport + " sender");
				return Protocol.readLine(Driven.MEASURED, line, Driven.Measured.class);
			}
			catch (IOException ex) {
				this.broken = ex.toString();
				return Driven.Measured.failed(task, this.broken);
			}
		}

		/**
		 * The next line that starts with {@code prefix}; other protocol lines are
		 * skipped.
		 */
		private static String await(BlockingQueue<String> lines, String prefix, long timeoutSeconds, String who)
				throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
			while (true) {
				String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (line == null) {
					throw new IOException(
							who + " wrote no '" + prefix.trim() + "' line within " + timeoutSeconds + " s");
				}
				if (line.equals(END)) {
					throw new IOException(who + " exited");
				}
				if (line.startsWith(prefix)) {
					return line;
				}
			}
		}

		/**
		 * Reads a process's standard output into {@code lines}: protocol lines are kept,
		 * anything else is shown.
		 */
		private static void drain(Process process, BlockingQueue<String> lines, String name) {
			Thread reader = new Thread(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = out.readLine()) != null) {
						if (line.equals(Protocol.READY) || line.startsWith(Driven.MEASURED)) {
							lines.add(line);
						}
						else if (!line.startsWith(Protocol.PROGRESS)) {
							System.out.println("[" + name + "] " + line);
						}
					}
				}
				catch (IOException ex) {
					// the process is gone
				}
				finally {
					lines.add(END);
				}
			}, "bench-" + name + "-out");
			reader.setDaemon(true);
			reader.start();
		}

		@Override
		public void close() throws InterruptedException {
			Process running = this.sender;
			if (running != null) {
				stop(running, 60);
			}
			stop(this.receiver, 20);
		}

		/**
		 * Closes standard input, which ends the process; destroys it when it does not end
		 * in time.
		 */
		private static void stop(Process process, int seconds) throws InterruptedException {
			try {
				process.getOutputStream().close();
			}
			catch (IOException ex) {
				// already gone
			}
			if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

}
