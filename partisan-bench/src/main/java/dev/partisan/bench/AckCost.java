package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What acknowledgement costs, on loopback: an acknowledged channel (acknowledged after
 * the handler has run) against a plain one, same workload, in one run with the cases
 * interleaved ({@link AckCostPeer}). Reports each case, the medians and ranges, and their
 * ratio.
 *
 * @param repetitions cases per configuration
 * @param caseMillis how long each case sends
 * @param warmupMillis an unmeasured case of each configuration first, for the JIT
 * @param size payload bytes per message
 */
record AckCost(int repetitions, int caseMillis, int warmupMillis, int size) {

	static AckCost of(String mode) {
		return mode.equals("smoke") ? new AckCost(1, 300, 0, 128) : new AckCost(5, 3_000, 1_000, 128);
	}

	/** Runs the receiver and sender JVMs on loopback and collects the sender's cases. */
	List<AckCostPeer.Measured> run(NodeProcesses processes, int port) throws IOException, InterruptedException {
		List<AckCostPeer.Measured> results = new ArrayList<>();
		Process receiver = processes.start(AckCostPeer.class, List.of("receiver", "127.0.0.1", String.valueOf(port)));
		try {
			BufferedReader receiverOut = reader(receiver);
			String line;
			while ((line = receiverOut.readLine()) != null && !line.equals(Protocol.READY)) {
				// startup output
			}
			if (line == null) {
				throw new IOException("the acknowledgement-cost receiver exited before it was ready");
			}
			Process sender = processes.start(AckCostPeer.class,
					List.of("sender", "127.0.0.1", String.valueOf(port + 1), "receiver@127.0.0.1:" + port,
							String.valueOf(this.repetitions), String.valueOf(this.caseMillis),
							String.valueOf(this.warmupMillis), String.valueOf(this.size)));
			sender.getOutputStream().close();
			BufferedReader senderOut = reader(sender);
			while ((line = senderOut.readLine()) != null) {
				if (line.startsWith(Protocol.PROGRESS)) {
					System.out.println("[ackcost] " + line.substring(Protocol.PROGRESS.length()));
				}
				else if (line.startsWith(AckCostPeer.RESULT)) {
					results.add(Protocol.readLine(AckCostPeer.RESULT, line, AckCostPeer.Measured.class));
				}
			}
			if (!sender.waitFor(60, TimeUnit.SECONDS)) {
				sender.destroyForcibly();
			}
		}
		finally {
			receiver.getOutputStream().close();
			if (!receiver.waitFor(20, TimeUnit.SECONDS)) {
				receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		return results;
	}

	/**
	 * The report's section: every case in the order run, then medians, ranges, ratios.
	 */
	String markdown(List<AckCostPeer.Measured> results) {
		StringBuilder md = new StringBuilder("## Acknowledgement cost (loopback)\n\n");
		md.append(String.format(Locale.ROOT,
				"One sender streams %d-byte messages to one handler, at most %d ahead of what the receiver has "
						+ "handled, for %.1f s per case, on a one-lane channel with `ack: true` (the receiver "
						+ "acknowledges each message after its handler returns; the sender keeps it until then) "
						+ "and on a one-lane channel without. Cases alternate (%d repetitions, the first of each pair "
						+ "alternating). CPU is both JVMs' process CPU time (all threads, GC and JIT) per message.%n%n",
				this.size, AckCostPeer.WINDOW, this.caseMillis / 1000.0, this.repetitions));
		if (results.size() < 2 * this.repetitions) {
			md.append("**Incomplete:** ")
				.append(results.size())
				.append(" of ")
				.append(2 * this.repetitions)
				.append(" cases completed.\n\n");
		}
		md.append(
				"| # | config | time s | messages | msg/s | CPU µs/msg | retransmits |\n|---|---|---|---|---|---|---|\n");
		int n = 0;
		for (AckCostPeer.Measured r : results) {
			md.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %d | %.0f | %.1f | %d |%n", ++n, r.config(),
					r.seconds(), r.messages(), r.messagesPerSecond(), r.cpuMicrosPerMessage(), r.retransmits()));
		}
		List<AckCostPeer.Measured> acked = of(results, AckCostPeer.ACKED);
		List<AckCostPeer.Measured> plain = of(results, AckCostPeer.PLAIN);
		if (acked.isEmpty() || plain.isEmpty()) {
			return md.append('\n').toString();
		}
		md.append("\n| config | msg/s median (range) | CPU µs/msg median (range) |\n|---|---|---|\n");
		for (List<AckCostPeer.Measured> cases : List.of(plain, acked)) {
			md.append("| ")
				.append(cases.get(0).config())
				.append(" | ")
				.append(summary(cases, AckCostPeer.Measured::messagesPerSecond, "%.0f"))
				.append(" | ")
				.append(summary(cases, AckCostPeer.Measured::cpuMicrosPerMessage, "%.1f"))
				.append(" |\n");
		}
		double rate = median(acked, AckCostPeer.Measured::messagesPerSecond)
				/ median(plain, AckCostPeer.Measured::messagesPerSecond);
		double cpu = median(acked, AckCostPeer.Measured::cpuMicrosPerMessage)
				/ median(plain, AckCostPeer.Measured::cpuMicrosPerMessage);
		md.append(String.format(Locale.ROOT,
				"%nAcked / plain, medians: **%.2f×** the throughput, **%.2f×** the CPU per message.", rate, cpu));
		List<Double> paired = new ArrayList<>();
		for (AckCostPeer.Measured a : acked) {
			plain.stream()
				.filter((p) -> p.repetition() == a.repetition() && p.messagesPerSecond() > 0)
				.findFirst()
				.ifPresent((p) -> paired.add(a.messagesPerSecond() / p.messagesPerSecond()));
		}
		if (!paired.isEmpty()) {
			List<Double> sorted = paired.stream().sorted().toList();
			int mid = sorted.size() / 2;
			double median = (sorted.size() % 2 == 1) ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
			md.append(String.format(Locale.ROOT,
					" Throughput ratio within each repetition (adjacent cases): median %.2f×, range %.2f–%.2f×.",
					median, sorted.get(0), sorted.get(sorted.size() - 1)));
		}
		return md.append("\n\n").toString();
	}

	private static List<AckCostPeer.Measured> of(List<AckCostPeer.Measured> results, String config) {
		return results.stream().filter((r) -> r.config().equals(config)).toList();
	}

	private static String summary(List<AckCostPeer.Measured> cases, ToDoubleFunction<AckCostPeer.Measured> value,
			String format) {
		double min = cases.stream().mapToDouble(value).min().orElse(0);
		double max = cases.stream().mapToDouble(value).max().orElse(0);
		return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(cases, value), min, max);
	}

	private static double median(List<AckCostPeer.Measured> cases, ToDoubleFunction<AckCostPeer.Measured> value) {
		double[] sorted = cases.stream().sorted(Comparator.comparingDouble(value)).mapToDouble(value).toArray();
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

	private static BufferedReader reader(Process process) {
		return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
	}

}
