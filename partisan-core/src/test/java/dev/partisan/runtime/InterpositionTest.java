package dev.partisan.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.interpose.Verdict;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interposition functions see, drop, delay and rewrite messages, and take effect from the
 * next one.
 */
class InterpositionTest {

	private final TestNodes nodes = new TestNodes();

	private PartisanNode a;

	private PartisanNode b;

	private final List<String> inbox = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.a = this.nodes.start("a");
		this.b = this.nodes.start("b");
		this.b.syncJoin(this.a.localNode()).join();
		this.a.register("inbox", String.class, (text, meta) -> this.inbox.add(text));
	}

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aFunctionAddedAtRunTimeActsOnTheNextMessageAndStopsWhenRemoved() {
		send("first");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.contains("first"));

		this.b.interposition()
			.interpose("drop-inbox", Direction.EGRESS,
					(event, payload) -> event.destination().equals("inbox") ? Verdict.DROP : Verdict.PASS);
		send("dropped");
		this.b.interposition().remove("drop-inbox");
		send("after");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.contains("after"));
		assertThat(this.inbox).containsExactly("first", "after");
	}

	@Test
	void observersSeeEachMessageBeforeAndWithItsVerdictAfter() {
		List<String> seen = new CopyOnWriteArrayList<>();
		this.a.interposition().beforeEach("pre", (event) -> {
			if (event.isApplication()) {
				seen.add("pre " + event.direction() + " " + event.destination());
			}
		});
		this.a.interposition().afterEach("post", (event, verdict) -> {
			if (event.isApplication()) {
				seen.add("post " + event.direction() + " " + verdict);
			}
		});
		send("observed");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.contains("observed"));
		assertThat(seen).containsExactly("pre INGRESS inbox", "post INGRESS PASS");
	}

	@Test
	void anIngressFunctionCanRewriteThePayload() {
		this.a.interposition().interpose("shout", Direction.INGRESS, (event, payload) -> {
			if (event.destination().equals("inbox")) {
				for (int i = payload.readerIndex(); i < payload.writerIndex(); i++) {
					payload.setByte(i, Character.toUpperCase((char) payload.getByte(i)));
				}
			}
			return Verdict.PASS;
		});
		send("quiet");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.contains("QUIET"));
	}

	@Test
	void injectedCorruptionFlipsBitsAndIsCounted() {
		FaultInjector faults = this.a.faults();
		faults.corrupt("flip", Direction.INGRESS, (MessageEvent e) -> e.destination().equals("inbox"), 1.0);
		send("aaaaaaaa");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 1);
		assertThat(this.inbox.get(0)).isNotEqualTo("aaaaaaaa").hasSize(8);
		assertThat(faults.corrupted()).isEqualTo(1);
	}

	@Test
	void anEgressDelayHoldsTheLaneButKeepsItsOrder() {
		this.b.faults()
			.delay("slow", Direction.EGRESS, FaultInjector.applicationWith(this.a.localNode().id()),
					Duration.ofMillis(200));
		for (int i = 0; i < 20; i++) {
			send("m" + i);
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 20);
		for (int i = 0; i < 20; i++) {
			assertThat(this.inbox.get(i)).isEqualTo("m" + i);
		}
		assertThat(this.b.faults().delayed()).isEqualTo(20);
	}

	@Test
	void anEgressFunctionCanReplaceThePayloadWithALongerOne() {
		this.b.interposition().interpose("expand", Direction.EGRESS, (event, payload) -> {
			if (event.destination().equals("inbox") && payload.toString(StandardCharsets.UTF_8).equals("short")) {
				return Verdict.replace("a much longer replacement".getBytes(StandardCharsets.UTF_8));
			}
			return Verdict.PASS;
		});
		send("short");
		send("untouched");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 2);
		assertThat(this.inbox).containsExactly("a much longer replacement", "untouched");
	}

	@Test
	void anIngressFunctionCanReplaceThePayloadWithAShorterOneAndTheRestOfThePathSeesIt() {
		List<String> observed = new CopyOnWriteArrayList<>();
		this.a.interposition().afterEach("verdicts", (event, verdict) -> {
			if (event.isApplication()) {
				observed.add(verdict.toString());
			}
		});
		this.a.interposition().interpose("shrink", Direction.INGRESS, (event, payload) -> {
			if (event.destination().equals("inbox") && payload.toString(StandardCharsets.UTF_8).startsWith("long")) {
				return Verdict.replace("s".getBytes(StandardCharsets.UTF_8));
			}
			return Verdict.PASS;
		});
		send("long message");
		send("after");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 2);
		assertThat(this.inbox).containsExactly("s", "after");
		assertThat(observed).containsExactly("REPLACE 1 bytes", "PASS");
	}

	@Test
	void aDropWinsOverAReplacementAndTheLastReplacementWinsOverAnEarlierOne() {
		this.a.interposition()
			.interpose("first", Direction.INGRESS, (event, payload) -> event.destination().equals("inbox")
					? Verdict.replace("first".getBytes(StandardCharsets.UTF_8)) : Verdict.PASS);
		this.a.interposition()
			.interpose("second", Direction.INGRESS, (event, payload) -> event.destination().equals("inbox")
					? Verdict.replace("second".getBytes(StandardCharsets.UTF_8)) : Verdict.PASS);
		send("original");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 1);
		this.b.interposition()
			.interpose("drop", Direction.EGRESS,
					(event, payload) -> event.destination().equals("inbox") ? Verdict.DROP : Verdict.PASS);
		this.b.interposition()
			.interpose("replace", Direction.EGRESS, (event, payload) -> event.destination().equals("inbox")
					? Verdict.replace("replaced".getBytes(StandardCharsets.UTF_8)) : Verdict.PASS);
		send("dropped");
		this.b.interposition().remove("drop");
		this.b.interposition().remove("replace");
		this.a.interposition().remove("second");
		send("third");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inbox.size() == 2);
		assertThat(this.inbox).containsExactly("second", "first");
	}

	private void send(String text) {
		this.b.forward(NodeId.of("a"), "inbox", text, ForwardOptions.defaults().partitionKey("one-lane"));
	}

}
