package dev.partisan.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Verdict;
import dev.partisan.testing.FreePorts;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acknowledged means handled, across a real crash: the receiver runs in a JVM of its own
 * ({@link SlowReceiverProcess}), is killed with SIGKILL while most of 1,000 acknowledged
 * messages still wait for its slow handler, and is started again under the same name and
 * port. The handler appends each id to a file before it returns, so the files say what
 * was handled; the sender's interposition says what it saw acknowledged.
 */
class ReceiverKilledWithABacklogTest {

	private static final int MESSAGES = 1_000;

	private static final int HANDLER_MILLIS = 3;

	private final TestNodes nodes = new TestNodes();

	private final List<Process> receivers = new ArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws InterruptedException {
		for (Process receiver : this.receivers) {
			receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.nodes.close();
	}

	@Test
	void everyAcknowledgedMessageWasHandledAndEveryOtherIsHandledByTheRestartedReceiver() throws Exception {
		PartisanNode sender = this.nodes.start("sender",
				(c) -> c.channel(SlowReceiverProcess.ACKED).retransmitInterval(Duration.ofMillis(300)));
		// forward() returns nothing to wait on, so what the sender saw acknowledged is
		// read
		// off its own traffic: a message's id on the way out, its acknowledgement on the
		// way in.
		Map<Long, Integer> idOfMessage = new ConcurrentHashMap<>();
		Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
		sender.interposition().interpose("ids", Direction.EGRESS, (event, payload) -> {
			if (event.kind().equals("DATA") && event.destination().equals(SlowReceiverProcess.HANDLER)) {
				idOfMessage.putIfAbsent(event.messageId(), Integer.valueOf(payload.toString(StandardCharsets.UTF_8)));
			}
			return Verdict.PASS;
		});
		sender.interposition().beforeEach("acks", (event) -> {
			Integer id = idOfMessage.get(event.messageId());
			if (event.direction() == Direction.INGRESS && event.kind().equals("ACK") && id != null) {
				acknowledged.add(id);
			}
		});
		int port = FreePorts.next();
		Path firstRun = this.dir.resolve("handled-first");
		Path secondRun = this.dir.resolve("handled-second");
		NodeId receiver = NodeId.of(SlowReceiverProcess.NAME);

		Process first = startReceiver(port, sender, firstRun);
		for (int i = 0; i < MESSAGES; i++) {
			sender.forward(receiver, SlowReceiverProcess.HANDLER, String.valueOf(i),
					ForwardOptions.channel(SlowReceiverProcess.ACKED.name()));
		}
		await().atMost(TestNodes.awaitLimit())
			.pollInterval(Duration.ofMillis(5))
			.until(() -> handled(firstRun).size() >= 50);
		first.destroyForcibly();
		assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("the receiver died").isTrue();
		// Every acknowledgement the dead receiver sent has arrived once the sender has
		// seen it go down; any later one comes from the restarted receiver.
		await().atMost(TestNodes.awaitLimit())
			.until(() -> sender.members().stream().noneMatch((node) -> node.id().equals(receiver)));
		Set<Integer> acknowledgedBeforeRestart = Set.copyOf(acknowledged);
		List<Integer> handledBeforeKill = handled(firstRun);

		startReceiver(port, sender, secondRun);
		await().atMost(Duration.ofSeconds(60)).until(() -> sender.deliveryStats().outstandingAcks() == 0);
		List<Integer> handledAfterRestart = handled(secondRun);

		Set<Integer> before = new HashSet<>(handledBeforeKill);
		Set<Integer> after = new HashSet<>(handledAfterRestart);
		Set<Integer> twice = before.stream().filter(after::contains).collect(Collectors.toSet());
		System.out.printf(
				"sent %d; at the kill: %d handled, %d acknowledged, %d queued; after the restart: "
						+ "%d handled; handled twice: %d%n",
				MESSAGES, before.size(), acknowledgedBeforeRestart.size(), MESSAGES - before.size(), after.size(),
				twice.size());
		assertThat(MESSAGES - before.size()).as("messages still queued at the kill").isGreaterThanOrEqualTo(100);
		assertThat(handledBeforeKill).as("exactly once while the receiver was up").doesNotHaveDuplicates();
		assertThat(handledAfterRestart).as("exactly once while the restarted receiver was up").doesNotHaveDuplicates();
		assertThat(before).as("every message acknowledged before the kill was handled")
			.containsAll(acknowledgedBeforeRestart);
		Set<Integer> notAcknowledged = IntStream.range(0, MESSAGES)
			.filter((id) -> !acknowledgedBeforeRestart.contains(id))
			.boxed()
			.collect(Collectors.toSet());
		assertThat(after).as("every message not acknowledged before the kill came again and was handled")
			.containsAll(notAcknowledged);
		// (noneMatch: on a loaded machine no acknowledgement may have arrived before the
		// kill, and doesNotContainAnyElementsOf refuses an empty set)
		assertThat(after).as("no acknowledged message was sent again").noneMatch(acknowledgedBeforeRestart::contains);
		assertThat(twice).as("handled twice: only messages handled but not acknowledged at the kill")
			.allMatch((id) -> !acknowledgedBeforeRestart.contains(id));
		Set<Integer> all = new HashSet<>(before);
		all.addAll(after);
		assertThat(all).as("every message sent was handled").hasSize(MESSAGES);
		assertThat(sender.deliveryStats().acknowledged()).isEqualTo(MESSAGES);
	}

	/**
	 * Starts {@link SlowReceiverProcess} and waits until it has joined {@code seed}.
	 */
	private Process startReceiver(int port, PartisanNode seed, Path file) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
				System.getProperty("java.class.path"), SlowReceiverProcess.class.getName(), String.valueOf(port),
				seed.localNode().address(), file.toString(), String.valueOf(HANDLER_MILLIS))
			.redirectErrorStream(true)
			.start();
		this.receivers.add(process);
		CompletableFuture<Void> ready = new CompletableFuture<>();
		Deque<String> lastLines = new ArrayDeque<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = out.readLine(); line != null; line = out.readLine()) {
					if (line.equals(SlowReceiverProcess.READY)) {
						ready.complete(null);
					}
					synchronized (lastLines) {
						lastLines.addLast(line);
						if (lastLines.size() > 40) {
							lastLines.removeFirst();
						}
					}
				}
			}
			catch (IOException ex) {
				// the process was killed: its output ends here
			}
			synchronized (lastLines) {
				ready.completeExceptionally(new IllegalStateException(
						"the receiver exited before it was ready:\n" + String.join("\n", lastLines)));
			}
		}, "receiver-output");
		reader.setDaemon(true);
		reader.start();
		ready.get(SlowReceiverProcess.startLimit().toSeconds(), TimeUnit.SECONDS);
		return process;
	}

	/** The ids the receiver wrote, in the order it handled them. */
	private static List<Integer> handled(Path file) {
		try {
			if (!Files.exists(file)) {
				return List.of();
			}
			// A line the receiver was killed in the middle of has no end yet.
			String text = Files.readString(file, StandardCharsets.US_ASCII);
			String complete = text.substring(0, text.lastIndexOf('\n') + 1);
			return complete.lines().map(Integer::valueOf).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
