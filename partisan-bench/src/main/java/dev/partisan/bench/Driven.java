package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The sender side of the timed loopback families ({@link Families}): a sender JVM started
 * in the {@code driven} role sets up its transport, prints {@code READY}, then runs one
 * {@code TASK} line from standard input at a time and answers each with one
 * {@code MEASURED} line, until standard input closes. The orchestrator can so interleave
 * the cases of several transports whose JVM pairs stay up between cases.
 *
 * <p>
 * Each case runs for a lead-in (unmeasured: connections opened, the pipeline full, and on
 * a first repetition the JIT warmed), then for a measured window. At both edges of the
 * window this JVM samples what it and the receiver's JVM have cost ({@link ProcessCost});
 * the counts at the edges give the messages of the window, so the ramp-up and the drain
 * are outside it.
 */
final class Driven {

	static final String TASK = "TASK ";

	static final String MEASURED = "MEASURED ";

	/** One-way: messages a sender may be ahead of what the receiver has reported. */
	static final int WINDOW = 20_000;

	/**
	 * One-way: the receiver reports each sender's count every this many messages, and a
	 * case ends on a multiple of it, so the last report covers every message.
	 */
	static final int REPORT_EVERY = 1_000;

	/** One-way senders a transport must serve. */
	static final int MAX_ONE_WAY_SENDERS = 16;

	/** Longest a bounded wait of a case may last before it is called failed. */
	static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

	private Driven() {
	}

	/**
	 * One case for one transport.
	 *
	 * @param family {@code reqack}, {@code oneway} or {@code pingpong}
	 * @param transport {@code partisan}, {@code raw} or {@code pekko}
	 * @param config how the transport runs it, e.g. {@code baseline}, {@code raw-shared},
	 * {@code forward}, {@code call}
	 * @param lanes connections or lanes (P)
	 * @param senders concurrent senders (N)
	 * @param size payload bytes
	 * @param repetition 1, 2, …; 0 for the unmeasured warm-up pass
	 * @param leadInMillis unmeasured time before the window
	 * @param windowMillis the measured window
	 */
	record Task(String family, String transport, String config, int lanes, int senders, int size, int repetition,
			int leadInMillis, int windowMillis) {

		String label() {
			return this.family + " " + this.config + " P=" + this.lanes + " N=" + this.senders + " "
					+ Sizes.human(this.size) + ((this.repetition == 0) ? " warm-up" : " #" + this.repetition);
		}

	}

	/**
	 * What one case measured over its window.
	 *
	 * @param task the case
	 * @param seconds the window
	 * @param messages messages completed in it (acknowledged, handled, or round trips)
	 * @param messagesPerSecond {@code messages / seconds}
	 * @param mibPerSecond payload MiB (2^20 bytes) per second
	 * @param cpuMicrosPerMessage CPU time of both JVMs (every thread, GC and JIT) per
	 * message
	 * @param switchesPerMessage context switches of both JVMs' threads per message
	 * @param p50Micros median latency (request to acknowledgement, or round trip); 0 for
	 * one-way
	 * @param p99Micros 99th percentile
	 * @param p999Micros 99.9th percentile
	 * @param error why the case failed, empty when it did not
	 */
	record Measured(Task task, double seconds, long messages, double messagesPerSecond, double mibPerSecond,
			double cpuMicrosPerMessage, double switchesPerMessage, double p50Micros, double p99Micros,
			double p999Micros, String error) {

		static Measured failed(Task task, String error) {
			return new Measured(task, 0, 0, 0, 0, 0, 0, 0, 0, 0, error);
		}

		boolean ok() {
			return this.error.isEmpty() && this.messages > 0;
		}

		String summary() {
			if (!ok()) {
				return "failed: " + (this.error.isEmpty() ? "no message completed in the window" : this.error);
			}
			return String.format(Locale.ROOT, "%,.0f msg/s, %.1f MiB/s, %.2f µs CPU/msg, %.2f switches/msg%s",
					this.messagesPerSecond, this.mibPerSecond, this.cpuMicrosPerMessage, this.switchesPerMessage,
					(this.p50Micros > 0) ? String.format(Locale.ROOT, ", p50 %.0f µs", this.p50Micros) : "");
		}

	}

	/** How one transport carries each family's messages. */
	interface Driver {

		/**
		 * Opens a request/acknowledgement case: sender i's messages go through the
		 * returned link, their acknowledgements to {@code loop}.
		 */
		RequestAck requestAck(Task task, RequestAckLoop loop) throws Exception;

		/** Opens a one-way case for {@code task.senders()} senders. */
		OneWay oneWay(Task task) throws Exception;

		/** Opens a ping-pong case. */
		RoundTrip roundTrip(Task task) throws Exception;

	}

	/** Request/acknowledgement for one case. */
	interface RequestAck extends AutoCloseable {

		void send(int sender, byte[] payload) throws Exception;

		@Override
		default void close() throws Exception {
		}

	}

	/** One-way streams for one case, one per sender. */
	interface OneWay extends AutoCloseable {

		void send(int sender, byte[] payload) throws Exception;

		/** Pushes out what {@code sender} has buffered; called before it waits. */
		default void flush(int sender) throws Exception {
		}

		/**
		 * The count the receiver last reported for {@code sender} (cumulative over the
		 * link's life).
		 */
		long handled(int sender);

		@Override
		default void close() throws Exception {
		}

	}

	/** One round trip at a time. */
	interface RoundTrip extends AutoCloseable {

		/** Sends {@code payload} and returns once its reply is here. */
		void roundTrip(byte[] payload) throws Exception;

		@Override
		default void close() throws Exception {
		}

	}

	/**
	 * Serves tasks from standard input until it closes; {@code loop} is where the
	 * driver's acknowledgements go.
	 */
	static void serve(long receiverPid, RequestAckLoop loop, Driver driver) throws IOException {
		Edges edges = new Edges(ProcessHandle.current().pid(), receiverPid);
		Protocol.ready();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (!line.startsWith(TASK)) {
				continue;
			}
			Task task = Protocol.readLine(TASK, line, Task.class);
			Measured measured;
			try {
				measured = switch (task.family()) {
					case "reqack" -> requestAck(task, driver, loop, edges);
					case "oneway" -> oneWay(task, driver, edges);
					case "pingpong" -> pingPong(task, driver, edges);
					default -> Measured.failed(task, "unknown family " + task.family());
				};
			}
			catch (Exception ex) {
				measured = Measured.failed(task, ex.toString());
			}
			Protocol.line(MEASURED, measured);
		}
	}

	private static Measured requestAck(Task task, Driver driver, RequestAckLoop loop, Edges edges) throws Exception {
		try (RequestAck link = driver.requestAck(task, loop)) {
			RequestAckLoop.Measurement m = loop.runFor(task.senders(), task.size(),
					TimeUnit.MILLISECONDS.toNanos(task.leadInMillis()),
					TimeUnit.MILLISECONDS.toNanos(task.windowMillis()), link::send, edges::open, edges::close);
			return edges.measured(task, m.messages(), m.sortedLatencies(), m.error());
		}
	}

	/**
	 * Each sender streams to its own receiver-side handler, at most {@link #WINDOW}
	 * messages ahead of what the receiver has reported for it, until stopped on a
	 * multiple of {@link #REPORT_EVERY}; the case then waits until the receiver has
	 * reported every message.
	 */
	private static Measured oneWay(Task task, Driver driver, Edges edges) throws Exception {
		int senders = task.senders();
		if (senders > MAX_ONE_WAY_SENDERS) {
			throw new IllegalArgumentException("At most " + MAX_ONE_WAY_SENDERS + " one-way senders");
		}
		try (OneWay link = driver.oneWay(task)) {
			long[] base = new long[senders];
			for (int i = 0; i < senders; i++) {
				base[i] = link.handled(i);
			}
			AtomicLongArray sent = new AtomicLongArray(senders);
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<@Nullable String> error = new AtomicReference<>();
			List<Thread> threads = new ArrayList<>();
			for (int s = 0; s < senders; s++) {
				int sender = s;
				Thread thread = new Thread(() -> {
					byte[] payload = new byte[task.size()];
					long count = 0;
					long waitingSince = 0;
					try {
						while (error.get() == null && (!stop.get() || count % REPORT_EVERY != 0)) {
							if (count - (link.handled(sender) - base[sender]) < WINDOW) {
								link.send(sender, payload);
								count++;
								waitingSince = 0;
							}
							else {
								link.flush(sender);
								long now = System.nanoTime();
								if (waitingSince == 0) {
									waitingSince = now;
								}
								else if (now - waitingSince > STALL_NANOS) {
									error.compareAndSet(null, "one-way sender " + sender
											+ " saw no progress report for " + STALL_NANOS / 1_000_000_000 + " s");
								}
								LockSupport.parkNanos(20_000);
							}
						}
						link.flush(sender);
					}
					catch (Exception ex) {
						error.compareAndSet(null, "one-way sender " + sender + ": " + ex);
					}
					finally {
						sent.set(sender, count);
					}
				}, "bench-oneway-" + s);
				thread.setDaemon(true);
				threads.add(thread);
			}
			threads.forEach(Thread::start);
			RequestAckLoop.sleepUnlessFailed(TimeUnit.MILLISECONDS.toNanos(task.leadInMillis()), error);
			awaitFirstReports(link, base, error);
			long before = handledSince(link, base);
			edges.open();
			RequestAckLoop.sleepUnlessFailed(TimeUnit.MILLISECONDS.toNanos(task.windowMillis()), error);
			edges.close();
			long after = handledSince(link, base);
			stop.set(true);
			long joinLimit = System.nanoTime() + STALL_NANOS;
			for (Thread thread : threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinLimit - System.nanoTime())));
			}
			long drainLimit = System.nanoTime() + STALL_NANOS;
			for (int i = 0; i < senders && error.get() == null; i++) {
				while (link.handled(i) - base[i] < sent.get(i)) {
					if (System.nanoTime() > drainLimit) {
						error.compareAndSet(null, "the receiver reported " + (link.handled(i) - base[i]) + " of sender "
								+ i + "'s " + sent.get(i) + " messages within " + STALL_NANOS / 1_000_000_000 + " s");
						break;
					}
					Thread.sleep(1);
				}
			}
			String failure = error.get();
			return edges.measured(task, after - before, new long[0], (failure != null) ? failure : "");
		}
	}

	/**
	 * The lead-in also lasts until the receiver has reported a message of every sender: a
	 * transport that sets up its lanes lazily (Pekko Artery's first association on a
	 * loaded machine takes longer than a short lead-in) is then measured streaming, not
	 * connecting. Bounded by {@link #STALL_NANOS}.
	 */
	private static void awaitFirstReports(OneWay link, long[] base, AtomicReference<@Nullable String> error)
			throws InterruptedException {
		long limit = System.nanoTime() + STALL_NANOS;
		for (int i = 0; i < base.length && error.get() == null; i++) {
			while (link.handled(i) == base[i] && error.get() == null) {
				if (System.nanoTime() > limit) {
					error.compareAndSet(null, "the receiver reported no message of sender " + i + " within "
							+ STALL_NANOS / 1_000_000_000 + " s of the start");
					return;
				}
				Thread.sleep(1);
			}
		}
	}

	private static long handledSince(OneWay link, long[] base) {
		long total = 0;
		for (int i = 0; i < base.length; i++) {
			total += link.handled(i) - base[i];
		}
		return total;
	}

	/** One round trip at a time from this thread; every one in the window is timed. */
	private static Measured pingPong(Task task, Driver driver, Edges edges) throws Exception {
		try (RoundTrip link = driver.roundTrip(task)) {
			byte[] payload = new byte[task.size()];
			LatencyRecorder latencies = new LatencyRecorder(1 << 16);
			long leadInEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(task.leadInMillis());
			long windowEnd = Long.MAX_VALUE;
			boolean open = false;
			while (true) {
				long now = System.nanoTime();
				if (!open && now >= leadInEnd) {
					edges.open();
					open = true;
					now = System.nanoTime();
					windowEnd = now + TimeUnit.MILLISECONDS.toNanos(task.windowMillis());
				}
				else if (open && now >= windowEnd) {
					break;
				}
				link.roundTrip(payload);
				if (open) {
					latencies.record(System.nanoTime() - now);
				}
			}
			edges.close();
			long[] sorted = LatencyRecorder.merge(List.of(latencies));
			return edges.measured(task, sorted.length, sorted, "");
		}
	}

	/** Samples of both JVMs at a window's edges. One case at a time. */
	static final class Edges {

		private final long[] pids;

		private ProcessCost start = new ProcessCost(0, 0);

		private ProcessCost end = new ProcessCost(0, 0);

		private long openedAt;

		private long closedAt;

		Edges(long... pids) {
			this.pids = pids;
		}

		void open() {
			this.start = ProcessCost.of(this.pids);
			this.openedAt = System.nanoTime();
		}

		void close() {
			this.closedAt = System.nanoTime();
			this.end = ProcessCost.of(this.pids);
		}

		Measured measured(Task task, long messages, long[] sortedLatencies, String error) {
			double seconds = (this.closedAt - this.openedAt) / 1e9;
			ProcessCost cost = this.end.since(this.start);
			if (messages <= 0 || seconds <= 0) {
				return new Measured(task, seconds, 0, 0, 0, 0, 0, 0, 0, 0,
						error.isEmpty() ? "no message completed in the window" : error);
			}
			return new Measured(task, seconds, messages, messages / seconds,
					messages * (double) task.size() / seconds / (1024.0 * 1024.0), cost.cpuNanos() / 1e3 / messages,
					cost.contextSwitches() / (double) messages, micros(sortedLatencies, 0.50),
					micros(sortedLatencies, 0.99), micros(sortedLatencies, 0.999), error);
		}

		private static double micros(long[] sorted, double q) {
			return LatencyRecorder.percentileMillis(sorted, q) * 1000;
		}

	}

}
