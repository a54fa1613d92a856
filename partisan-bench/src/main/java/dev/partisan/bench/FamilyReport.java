package dev.partisan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report's sections for the timed families ({@link Families}): a table per family
 * with the median and range over the repetitions of every figure, the ratios to raw
 * sockets and to Pekko Artery (ratio of the medians, and the range of the ratios within
 * each repetition), the targets next to what this run reached, and every case in
 * the order run. Nothing here is a constant: each figure is computed from the cases.
 *
 * @param families what was planned
 * @param results every case, in the order run
 */
record FamilyReport(Families families, List<Driven.Measured> results) {

	private static final int MIB = 1024 * 1024;

	/** A figure of the cases of one row and counterpart, over the repetitions. */
	record Figure(double median, double min, double max) {

		static Optional<Figure> of(List<Driven.Measured> cases, ToDoubleFunction<Driven.Measured> value) {
			if (cases.isEmpty()) {
				return Optional.empty();
			}
			double[] sorted = cases.stream().mapToDouble(value).sorted().toArray();
			int mid = sorted.length / 2;
			double median = (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
			return Optional.of(new Figure(median, sorted[0], sorted[sorted.length - 1]));
		}

		String format(String format) {
			if (this.min == this.max) {
				return String.format(Locale.ROOT, format, this.median);
			}
			return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", this.median, this.min,
					this.max);
		}

	}

	/** The successful cases of a row's counterpart. */
	List<Driven.Measured> cases(Families.Row row, Families.Counterpart counterpart) {
		return this.results.stream()
			.filter((m) -> m.ok() && m.task().repetition() > 0 && row.matches(m.task())
					&& m.task().transport().equals(counterpart.transport())
					&& m.task().config().equals(counterpart.config()))
			.toList();
	}

	private Optional<Figure> figure(Families.Row row, Families.Counterpart counterpart,
			ToDoubleFunction<Driven.Measured> value) {
		return Figure.of(cases(row, counterpart), value);
	}

	/**
	 * {@code value} of {@code a} over {@code value} of {@code b}: the ratio of the
	 * medians and the range of the ratios within each repetition.
	 */
	Optional<Figure> ratio(Families.Row row, Families.Counterpart a, Families.Counterpart b,
			ToDoubleFunction<Driven.Measured> value) {
		Optional<Figure> top = figure(row, a, value);
		Optional<Figure> bottom = figure(row, b, value);
		if (top.isEmpty() || bottom.isEmpty() || bottom.get().median() <= 0) {
			return Optional.empty();
		}
		List<Double> paired = new ArrayList<>();
		for (Driven.Measured x : cases(row, a)) {
			cases(row, b).stream()
				.filter((y) -> y.task().repetition() == x.task().repetition() && value.applyAsDouble(y) > 0)
				.findFirst()
				.ifPresent((y) -> paired.add(value.applyAsDouble(x) / value.applyAsDouble(y)));
		}
		double median = top.get().median() / bottom.get().median();
		double min = paired.stream().mapToDouble(Double::doubleValue).min().orElse(median);
		double max = paired.stream().mapToDouble(Double::doubleValue).max().orElse(median);
		return Optional.of(new Figure(median, min, max));
	}

	private List<Families.Row> rows(String family) {
		return this.families.rows().stream().filter((r) -> r.family().equals(family)).toList();
	}

	private static Optional<Families.Counterpart> counterpart(Families.Row row, String transport) {
		return row.counterparts().stream().filter((c) -> c.transport().equals(transport)).findFirst();
	}

	/** The family sections. */
	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("## Timed loopback families\n\n");
		md.append(String.format(Locale.ROOT,
				"An unmeasured warm-up pass ran every case once (%.1f s each, for the JIT), then %d repetitions, the "
						+ "counterparts of each row one after the other with their order rotated every repetition; "
						+ "each case sent for a %.1f s lead-in and then a %.1f s measured window. One receiver JVM and "
						+ "one sender JVM per transport stayed up for the whole run. Figures are the median over the "
						+ "repetitions with their range in parentheses. **CPU** is both JVMs' CPU time (user + "
						+ "system, every thread, GC and JIT; `/proc/<pid>/stat`) over the window per message; "
						+ "**switches** are both JVMs' context switches (voluntary + involuntary, summed over "
						+ "`/proc/<pid>/task/*/status`) per message. A ratio is the ratio of the medians, with the "
						+ "range of the ratios within each repetition.%n%n",
				this.families.warmupMillis() / 1000.0, this.families.repetitions(),
				this.families.leadInMillis() / 1000.0, this.families.windowMillis() / 1000.0));
		long failed = this.results.stream().filter((m) -> !m.ok()).count();
		if (failed > 0) {
			md.append("**").append(failed).append(" case(s) failed**; see the list of cases below.\n\n");
		}
		for (String family : this.families.names()) {
			switch (family) {
				case "reqack" -> requestAck(md);
				case "oneway" -> oneWay(md);
				case "pingpong" -> pingPong(md);
				default -> {
				}
			}
		}
		everyCase(md);
		return md.toString();
	}

	private void requestAck(StringBuilder md) {
		md.append("### reqack: request/acknowledgement (loopback)\n\n");
		md.append("N senders each send a message and wait for its 8-byte acknowledgement before the next. Partisan ")
			.append("runs `baseline` (one lane, P = 1) or `affinity` (P lanes, lane by sender); raw sockets run ")
			.append("`raw-shared` (one connection, writes serialized) or `raw-per-sender` (P connections, sender i ")
			.append("on connection i mod P), with the acknowledgement written by the thread that read.\n\n");
		md.append("| P | N | size | config | MiB/s | msg/s | CPU µs/msg | switches/msg | p50 ms | p99 ms | of raw |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (Families.Row row : rows("reqack")) {
			Optional<Families.Counterpart> raw = counterpart(row, "raw");
			for (Families.Counterpart c : row.counterparts()) {
				String ofRaw = (raw.isPresent() && !c.equals(raw.get()))
						? ratio(row, c, raw.get(), Driven.Measured::messagesPerSecond).map(FamilyReport::percent)
							.orElse("")
						: "";
				md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
						row.lanes(), row.senders(), Sizes.human(row.size()), c.config(),
						show(figure(row, c, Driven.Measured::mibPerSecond), "%.0f"),
						show(figure(row, c, Driven.Measured::messagesPerSecond), "%,.0f"),
						show(figure(row, c, Driven.Measured::cpuMicrosPerMessage), "%.1f"),
						show(figure(row, c, Driven.Measured::switchesPerMessage), "%.2f"),
						medianOnly(figure(row, c, (m) -> m.p50Micros() / 1000), "%.2f"),
						medianOnly(figure(row, c, (m) -> m.p99Micros() / 1000), "%.2f"), ofRaw));
			}
		}
		md.append('\n');
		List<String> reached = new ArrayList<>();
		int met = 0;
		int measured = 0;
		double lowest = Double.MAX_VALUE;
		for (Families.Row row : rows("reqack")) {
			if (row.size() != MIB) {
				continue;
			}
			Optional<Figure> r = counterpart(row, "partisan").flatMap((p) -> counterpart(row, "raw")
				.flatMap((raw) -> ratio(row, p, raw, Driven.Measured::messagesPerSecond)));
			if (r.isPresent()) {
				measured++;
				met += (r.get().median() >= 0.9) ? 1 : 0;
				lowest = Math.min(lowest, r.get().median());
				reached.add(String.format(Locale.ROOT, "P=%d N=%d: %.0f%%", row.lanes(), row.senders(),
						r.get().median() * 100));
			}
		}
		md.append("**Target vs reached** — 1 MiB request/ack ≥ 90% of raw on every row: ");
		if (measured == 0) {
			md.append("not measured in this run (no 1 MiB row completed).\n\n");
		}
		else {
			md.append(String.join(", ", reached))
				.append(String.format(Locale.ROOT, " — **%s** (%d of %d rows at ≥ 90%%%s).%n%n",
						(met == measured) ? "met" : "missed", met, measured, (met == measured) ? ""
								: String.format(Locale.ROOT, "; the lowest is %.0f points short", 90 - lowest * 100)));
		}
	}

	private void oneWay(StringBuilder md) {
		md.append("### oneway: pipelined one-way messages (loopback)\n\n");
		md.append(String.format(Locale.ROOT,
				"Each sender streams to its own handler (actor) on the receiver, at most %,d messages ahead of the "
						+ "count the receiver reports back every %,d messages; each sender has its own lane (Partisan: "
						+ "a channel with as many lanes, a partition key per lane) or connection (raw). The rate is "
						+ "messages handled per second on the receiver. Pekko Artery: `tell` to an ordinary "
						+ "destination (four outbound lanes).%n%n",
				Driven.WINDOW, Driven.REPORT_EVERY));
		md.append("| size | senders | transport | msg/s | MiB/s | CPU µs/msg | switches/msg | vs raw | vs Pekko |\n");
		md.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Families.Row row : rows("oneway")) {
			Optional<Families.Counterpart> raw = counterpart(row, "raw");
			Optional<Families.Counterpart> pekko = counterpart(row, "pekko");
			for (Families.Counterpart c : row.counterparts()) {
				md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
						Sizes.human(row.size()), row.senders(), c.config(),
						show(figure(row, c, Driven.Measured::messagesPerSecond), "%,.0f"),
						medianOnly(figure(row, c, Driven.Measured::mibPerSecond), "%.0f"),
						show(figure(row, c, Driven.Measured::cpuMicrosPerMessage), "%.2f"),
						show(figure(row, c, Driven.Measured::switchesPerMessage), "%.3f"),
						versus(row, c, raw, Driven.Measured::messagesPerSecond),
						versus(row, c, pekko, Driven.Measured::messagesPerSecond)));
			}
		}
		md.append('\n');
		md.append("**Target vs reached** — one-way 100 B: ≤ 0.6 µs of CPU per message and ≥ 3× Pekko Artery's rate: ");
		List<String> reached = new ArrayList<>();
		boolean all = true;
		for (Families.Row row : rows("oneway")) {
			if (row.size() != 100) {
				continue;
			}
			Optional<Families.Counterpart> partisan = counterpart(row, "partisan");
			Optional<Figure> cpu = partisan.flatMap((p) -> figure(row, p, Driven.Measured::cpuMicrosPerMessage));
			Optional<Figure> pekko = partisan.flatMap((p) -> counterpart(row, "pekko")
				.flatMap((k) -> ratio(row, p, k, Driven.Measured::messagesPerSecond)));
			if (cpu.isEmpty() || pekko.isEmpty()) {
				continue;
			}
			boolean cpuMet = cpu.get().median() <= 0.6;
			boolean pekkoMet = pekko.get().median() >= 3;
			all &= cpuMet && pekkoMet;
			reached.add(String.format(Locale.ROOT, "%d sender%s: %.2f µs/msg (%s), %.2f× Pekko (%s)", row.senders(),
					(row.senders() == 1) ? "" : "s", cpu.get().median(),
					cpuMet ? "met" : String.format(Locale.ROOT, "%.1f× the target", cpu.get().median() / 0.6),
					pekko.get().median(), pekkoMet ? "met" : "missed"));
		}
		if (reached.isEmpty()) {
			md.append("not measured in this run (no 100 B row with Partisan and Pekko completed).\n\n");
		}
		else {
			md.append(String.join("; ", reached)).append(" — **").append(all ? "met" : "missed").append("**.\n\n");
		}
	}

	private void pingPong(StringBuilder md) {
		md.append("### pingpong: round-trip latency of 100 B (loopback)\n\n");
		md.append("One message at a time and its reply, from one thread. Partisan `partisan-forward`: the receiver's ")
			.append("handler forwards the payload back and the sender's handler hands it to the waiting thread; ")
			.append("`partisan-call`: `call` to a request handler that returns it. Raw sockets: a blocking write and ")
			.append("read, the receiver echoing on the thread that read. Pekko Artery: `pekko-tell`, a `tell` whose ")
			.append("reply is a `tell` to an actor that hands it to the waiting thread, and `pekko-ask`, `ask`. A ")
			.append("call is compared with an ask, anything else with a tell. Switches are per round trip.\n\n");
		md.append("| transport | round trips/s | p50 µs | p99 µs | p99.9 µs | CPU µs/RT | switches/RT | "
				+ "p50 vs raw | p50 vs Pekko |\n");
		md.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Families.Row row : rows("pingpong")) {
			Optional<Families.Counterpart> raw = counterpart(row, "raw");
			for (Families.Counterpart c : row.counterparts()) {
				// a call is compared with an ask, anything else with a tell and its reply
				String style = c.config().endsWith("-call") ? "pekko-ask" : "pekko-tell";
				Optional<Families.Counterpart> pekko = c.transport().equals("pekko") ? Optional.empty()
						: row.counterparts().stream().filter((o) -> o.config().equals(style)).findFirst();
				md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", c.config(),
						show(figure(row, c, Driven.Measured::messagesPerSecond), "%,.0f"),
						show(figure(row, c, Driven.Measured::p50Micros), "%.0f"),
						show(figure(row, c, Driven.Measured::p99Micros), "%.0f"),
						show(figure(row, c, Driven.Measured::p999Micros), "%.0f"),
						show(figure(row, c, Driven.Measured::cpuMicrosPerMessage), "%.1f"),
						show(figure(row, c, Driven.Measured::switchesPerMessage), "%.2f"),
						versus(row, c, raw, Driven.Measured::p50Micros),
						versus(row, c, pekko, Driven.Measured::p50Micros)));
			}
		}
		md.append('\n');
		md.append("**Target vs reached** — ping-pong 100 B: p50 ≤ 2× raw's p50 and ≤ 4 context switches per round ")
			.append("trip: ");
		List<String> reached = new ArrayList<>();
		boolean all = true;
		for (Families.Row row : rows("pingpong")) {
			Optional<Families.Counterpart> raw = counterpart(row, "raw");
			for (Families.Counterpart c : row.counterparts()) {
				if (!c.transport().equals("partisan") || raw.isEmpty()) {
					continue;
				}
				Optional<Figure> p50 = ratio(row, c, raw.get(), Driven.Measured::p50Micros);
				Optional<Figure> switches = figure(row, c, Driven.Measured::switchesPerMessage);
				if (p50.isEmpty() || switches.isEmpty()) {
					continue;
				}
				boolean p50Met = p50.get().median() <= 2;
				boolean switchesMet = switches.get().median() <= 4;
				all &= p50Met && switchesMet;
				reached.add(String.format(Locale.ROOT, "%s: p50 %.2f× raw (%s), %.1f switches per round trip (%s)",
						c.config(), p50.get().median(), p50Met ? "met" : "missed", switches.get().median(),
						switchesMet ? "met" : "missed"));
			}
		}
		if (reached.isEmpty()) {
			md.append("not measured in this run (no Partisan and raw ping-pong completed).\n\n");
		}
		else {
			md.append(String.join("; ", reached)).append(" — **").append(all ? "met" : "missed").append("**.\n\n");
		}
	}

	private void everyCase(StringBuilder md) {
		md.append("<details><summary>Every case of the timed families, in the order run</summary>\n\n");
		md.append("| # | family | transport | config | P | N | size | rep | window s | messages | msg/s | MiB/s | "
				+ "CPU µs/msg | switches/msg | p50 µs | p99 µs | p99.9 µs | error |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		int n = 0;
		for (Driven.Measured m : this.results) {
			Driven.Task t = m.task();
			md.append(String.format(Locale.ROOT,
					"| %d | %s | %s | %s | %d | %d | %s | %s | %.2f | %d | %.0f | %.1f | %.2f | %.3f | %.0f | %.0f | "
							+ "%.0f | %s |%n",
					++n, t.family(), t.transport(), t.config(), t.lanes(), t.senders(), Sizes.human(t.size()),
					(t.repetition() == 0) ? "warm-up" : String.valueOf(t.repetition()), m.seconds(), m.messages(),
					m.messagesPerSecond(), m.mibPerSecond(), m.cpuMicrosPerMessage(), m.switchesPerMessage(),
					m.p50Micros(), m.p99Micros(), m.p999Micros(), m.ok() ? "" : "failed: "
							+ (m.error().isEmpty() ? "no message in the window" : m.error()).replace('|', '/')));
		}
		md.append("\n</details>\n\n");
	}

	/**
	 * The papers' claims this run measured: one lane and 16 lanes against raw sockets, 1
	 * MiB, 16 senders. Each entry is {claim, target, measured, where}.
	 */
	List<String[]> claims() {
		List<String[]> claims = new ArrayList<>();
		for (Families.Row row : rows("reqack")) {
			if (row.size() != MIB || row.senders() != 16) {
				continue;
			}
			Optional<Figure> r = counterpart(row, "partisan").flatMap((p) -> counterpart(row, "raw")
				.flatMap((raw) -> ratio(row, p, raw, Driven.Measured::messagesPerSecond)));
			r.ifPresent((f) -> claims.add(new String[] {
					(row.lanes() == 1) ? "one lane / raw single socket, 1 MiB, N=16"
							: row.lanes() + " lanes / raw " + row.lanes() + " sockets, 1 MiB, N=16",
					"target ≥ 90%", percent(f), String.format(Locale.ROOT, "loopback (reqack, median of %d × %.0f s)",
							this.families.repetitions(), this.families.windowMillis() / 1000.0) }));
		}
		return claims;
	}

	private String versus(Families.Row row, Families.Counterpart c, Optional<Families.Counterpart> other,
			ToDoubleFunction<Driven.Measured> value) {
		if (other.isEmpty() || other.get().equals(c)) {
			return "";
		}
		return ratio(row, c, other.get(), value).map(FamilyReport::times).orElse("");
	}

	private static String show(Optional<Figure> figure, String format) {
		return figure.map((f) -> f.format(format)).orElse("failed");
	}

	private static String medianOnly(Optional<Figure> figure, String format) {
		return figure.map((f) -> String.format(Locale.ROOT, format, f.median())).orElse("");
	}

	/** A ratio with its range, to three significant digits below 0.1. */
	private static String times(Figure f) {
		String format = (f.median() < 0.1) ? "%.3f×" : "%.2f×";
		return f.format(format);
	}

	private static String percent(Figure f) {
		return String.format(Locale.ROOT, "%.0f%% (%.0f–%.0f%%)", f.median() * 100, f.min() * 100, f.max() * 100);
	}

}
