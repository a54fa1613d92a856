package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one receiver JVM and one sender JVM for a list of cases and collects the sender's
 * results. The receiver is stopped (stdin closed, then destroyed) whatever happens.
 */
final class NodeProcesses {

	private final String java;

	private final String classpath;

	private final int warmup;

	NodeProcesses(String java, String classpath, int warmup) {
		this.java = java;
		this.classpath = classpath;
		this.warmup = warmup;
	}

	int warmup() {
		return this.warmup;
	}

	/** The same, with {@code messages} warm-up messages per process pair. */
	NodeProcesses withWarmup(int messages) {
		return new NodeProcesses(this.java, this.classpath, messages);
	}

	List<CaseResult> run(Network network, Class<?> main, List<BenchCase> cases, int port, Consumer<String> progress)
			throws IOException, InterruptedException {
		return run(network, main, cases, port, progress, List.of());
	}

	/**
	 * Like the other {@code run}, with {@code extra} arguments after each process's own.
	 */
	List<CaseResult> run(Network network, Class<?> main, List<BenchCase> cases, int port, Consumer<String> progress,
			List<String> extra) throws IOException, InterruptedException {
		List<CaseResult> results = new ArrayList<>();
		if (cases.isEmpty()) {
			return results;
		}
		List<String> receiverCmd = new ArrayList<>(network.receiverPrefix());
		receiverCmd.addAll(jvm(main, "receiver", network.receiverHost(), String.valueOf(port)));
		receiverCmd.addAll(extra);
		Process receiver = new ProcessBuilder(receiverCmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		try {
			BufferedReader receiverOut = reader(receiver);
			String line;
			while ((line = receiverOut.readLine()) != null && !line.equals(Protocol.READY)) {
				// startup output
			}
			if (line == null) {
				throw new IOException("the receiver exited before it was ready");
			}
			List<String> senderCmd = new ArrayList<>(network.senderPrefix());
			senderCmd.addAll(jvm(main, "sender", network.senderHost(), String.valueOf(port + 1)));
			senderCmd.add("receiver@" + network.receiverHost() + ":" + port);
			senderCmd.add(Protocol.writeCases(cases));
			senderCmd.addAll(extra);
			Process sender = new ProcessBuilder(senderCmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			sender.getOutputStream().close();
			BufferedReader senderOut = reader(sender);
			while ((line = senderOut.readLine()) != null) {
				if (line.startsWith(Protocol.PROGRESS)) {
					progress.accept(line.substring(Protocol.PROGRESS.length()));
				}
				else if (line.startsWith(Protocol.RESULT)) {
					results.add(Protocol.readResult(line));
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
		for (BenchCase c : cases.subList(results.size(), cases.size())) {
			results.add(CaseResult.failed(c, "the sender process ended before this case"));
		}
		return results;
	}

	/**
	 * Starts {@code main} with {@code args} in a JVM set up like the measured nodes', its
	 * standard error inherited.
	 */
	Process start(Class<?> main, List<String> args) throws IOException {
		return new ProcessBuilder(jvm(main, args.toArray(String[]::new))).redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
	}

	private List<String> jvm(Class<?> main, String... args) {
		List<String> command = new ArrayList<>(List.of(this.java, "-Xms1g", "-Xmx3g", "-XX:+UseParallelGC",
				"-Dlogback.configurationFile=bench-logback.xml", "-Dbench.warmup=" + this.warmup, "-cp", this.classpath,
				main.getName()));
		command.addAll(List.of(args));
		return command;
	}

	private static BufferedReader reader(Process process) {
		return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
	}

}
