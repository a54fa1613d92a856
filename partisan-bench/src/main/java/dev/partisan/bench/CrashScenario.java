package dev.partisan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Verdict;
import dev.partisan.runtime.PartisanNode;

/**
 * Acknowledged means handled, across a SIGKILL: this JVM's node sends acknowledged
 * messages to a receiver JVM ({@link CrashReceiverPeer}) whose handler is slow, kills it
 * while most of them still wait in its mailbox, starts it again on the same port and
 * waits until the sender has nothing left unacknowledged. The receiver's files say what
 * was handled; the sender's interposition says what it saw acknowledged. Loopback only.
 *
 * @param messages acknowledged messages sent
 * @param handlerMillis how long the handler takes per message
 * @param killAfter handled messages after which the receiver is killed
 */
record CrashScenario(int messages, int handlerMillis, int killAfter) {

	/**
	 * What one run saw.
	 *
	 * @param sent messages sent
	 * @param handledBeforeKill distinct ids the first receiver handled
	 * @param acknowledgedBeforeKill distinct ids the sender saw acknowledged by it
	 * @param handledAfterRestart distinct ids the restarted receiver handled
	 * @param handledTwice ids both handled
	 * @param retransmits the sender's retransmissions
	 * @param recoverySeconds from the restart until nothing was left unacknowledged
	 * @param violations the properties that did not hold, empty when all did
	 */
	record Outcome(int sent, int handledBeforeKill, int acknowledgedBeforeKill, int handledAfterRestart,
			int handledTwice, long retransmits, double recoverySeconds, List<String> violations) {
	}

	static CrashScenario of(String mode) {
		return mode.equals("smoke") ? new CrashScenario(200, 3, 20) : new CrashScenario(1_000, 3, 50);
	}

	Outcome run(NodeProcesses processes) throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("partisan-crash");
		List<Process> receivers = new ArrayList<>();
		PartisanNode sender = PartisanNode
			.create(CrashReceiverPeer.config("sender", 0).retransmitInterval(Duration.ofMillis(300)).build())
			.start();
		try {
			Map<Long, Integer> idOfMessage = new ConcurrentHashMap<>();
			Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
			sender.interposition().interpose("ids", Direction.EGRESS, (event, payload) -> {
				if (event.kind().equals("DATA") && event.destination().equals(CrashReceiverPeer.HANDLER)) {
					idOfMessage.putIfAbsent(event.messageId(),
							Integer.valueOf(payload.toString(StandardCharsets.UTF_8)));
				}
				return Verdict.PASS;
			});
			sender.interposition().beforeEach("acks", (event) -> {
				Integer id = idOfMessage.get(event.messageId());
				if (event.direction() == Direction.INGRESS && event.kind().equals("ACK") && id != null) {
					acknowledged.add(id);
				}
			});
			int port = freePort();
			Path firstRun = dir.resolve("handled-first");
			Path secondRun = dir.resolve("handled-second");
			NodeId receiver = NodeId.of(CrashReceiverPeer.NAME);

			Process first = startReceiver(processes, receivers, port, sender, firstRun);
			for (int i = 0; i < this.messages; i++) {
				sender.forward(receiver, CrashReceiverPeer.HANDLER, String.valueOf(i),
						ForwardOptions.channel(CrashReceiverPeer.ACKED.name()));
			}
			await(() -> handled(firstRun).size() >= this.killAfter, "the receiver to handle " + this.killAfter);
			first.destroyForcibly();
			first.waitFor(10, TimeUnit.SECONDS);
			// Acknowledgements from the killed receiver have all arrived once the sender
			// has seen it go down; later ones come from its successor.
			await(() -> sender.members().stream().noneMatch((node) -> node.id().equals(receiver)),
					"the sender to see the receiver down");
			Set<Integer> acknowledgedBeforeKill = Set.copyOf(acknowledged);
			Set<Integer> before = new HashSet<>(handled(firstRun));
			int firstLines = handled(firstRun).size();

			long restart = System.nanoTime();
			startReceiver(processes, receivers, port, sender, secondRun);
			await(() -> sender.deliveryStats().outstandingAcks() == 0, "every message to be acknowledged");
			double recovery = (System.nanoTime() - restart) / 1e9;
			List<Integer> secondLines = handled(secondRun);
			Set<Integer> after = new HashSet<>(secondLines);

			List<String> violations = new ArrayList<>();
			check(violations, before.size() == firstLines && after.size() == secondLines.size(),
					"no message handled twice by one receiver");
			check(violations, before.containsAll(acknowledgedBeforeKill),
					"every message acknowledged before the kill was handled before it");
			Set<Integer> twice = new HashSet<>(before);
			twice.retainAll(after);
			for (int id = 0; id < this.messages; id++) {
				if (!acknowledgedBeforeKill.contains(id) && !after.contains(id)) {
					check(violations, false, "every message not acknowledged before the kill was handled after the"
							+ " restart (" + id + " was not)");
					break;
				}
			}
			check(violations, twice.stream().noneMatch(acknowledgedBeforeKill::contains),
					"handled twice only if handled but not acknowledged at the kill");
			Set<Integer> all = new HashSet<>(before);
			all.addAll(after);
			check(violations, all.size() == this.messages, "every message sent was handled");
			return new Outcome(this.messages, before.size(), acknowledgedBeforeKill.size(), after.size(), twice.size(),
					sender.deliveryStats().retransmits(), recovery, violations);
		}
		finally {
			sender.close();
			for (Process process : receivers) {
				process.getOutputStream().close();
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			try (var files = Files.list(dir)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.delete(dir);
		}
	}

	String markdown(Outcome o) {
		StringBuilder md = new StringBuilder("## Crash: a receiver killed with a backlog (loopback)\n\n");
		md.append(String.format(Locale.ROOT,
				"The sender sends %d messages on an acknowledged channel to a receiver JVM whose handler takes %d ms "
						+ "and appends the id to a file before it returns; after %d are handled the receiver is "
						+ "killed with SIGKILL, then started again on the same port. Acknowledgements are read off the "
						+ "sender's traffic (interposition).%n%n",
				this.messages, this.handlerMillis, this.killAfter));
		md.append("| sent | handled before the kill | acknowledged before the kill | queued at the kill "
				+ "| handled after the restart | handled twice | retransmissions | restart to all acknowledged s |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d | %.1f |%n%n", o.sent(),
				o.handledBeforeKill(), o.acknowledgedBeforeKill(), o.sent() - o.handledBeforeKill(),
				o.handledAfterRestart(), o.handledTwice(), o.retransmits(), o.recoverySeconds()));
		if (o.violations().isEmpty()) {
			md.append("Every message acknowledged before the kill was handled before it, every other one was sent ")
				.append("again and handled by the restarted receiver, and none acknowledged before the kill was ")
				.append("handled again (at-least-once across the restart, exactly once while each was up).\n\n");
		}
		else {
			md.append("**Violated:** ").append(String.join("; ", o.violations())).append(".\n\n");
		}
		return md.toString();
	}

	private static void check(List<String> violations, boolean holds, String property) {
		if (!holds) {
			violations.add(property);
		}
	}

	private Process startReceiver(NodeProcesses processes, List<Process> receivers, int port, PartisanNode seed,
			Path file) throws IOException, InterruptedException {
		Process process = processes.start(CrashReceiverPeer.class, List.of(String.valueOf(port),
				seed.localNode().address(), file.toString(), String.valueOf(this.handlerMillis)));
		receivers.add(process);
		CompletableFuture<Void> ready = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = out.readLine(); line != null; line = out.readLine()) {
					if (line.equals(Protocol.READY)) {
						ready.complete(null);
					}
				}
			}
			catch (IOException ex) {
				// killed: its output ends here
			}
			ready.completeExceptionally(new IllegalStateException("the crash receiver exited before it was ready"));
		}, "crash-receiver-output");
		reader.setDaemon(true);
		reader.start();
		try {
			ready.get(60, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IOException("The crash receiver did not start and join", ex);
		}
		return process;
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > limit) {
				throw new IllegalStateException("Gave up after 60 s waiting for " + what);
			}
			Thread.sleep(5);
		}
	}

	/**
	 * The ids in a receiver's file, in the order handled; a line cut by the kill is left
	 * out.
	 */
	private static List<Integer> handled(Path file) {
		try {
			if (!Files.exists(file)) {
				return List.of();
			}
			String text = Files.readString(file, StandardCharsets.US_ASCII);
			return text.substring(0, text.lastIndexOf('\n') + 1).lines().map(Integer::valueOf).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
