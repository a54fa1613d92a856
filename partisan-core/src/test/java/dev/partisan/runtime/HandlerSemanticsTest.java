package dev.partisan.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Handlers behave as actors: one message at a time, in order, off the network threads,
 * and resilient.
 */
class HandlerSemanticsTest {

	private final TestNodes nodes = new TestNodes();

	private PartisanNode a;

	private PartisanNode b;

	@BeforeEach
	void startTwoNodes() {
		this.a = this.nodes.start("a", (c) -> c.handlerThreads(4));
		this.b = this.nodes.start("b");
		this.b.syncJoin(this.a.localNode()).join();
	}

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aHandlerProcessesOneMessageAtATimeOffTheEventLoop() throws InterruptedException {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxRunning = new AtomicInteger();
		Set<String> threads = ConcurrentHashMap.newKeySet();
		AtomicInteger handled = new AtomicInteger();
		this.a.register("serial", Integer.class, (n, meta) -> {
			maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			threads.add(Thread.currentThread().getName());
			Thread.sleep(1);
			running.decrementAndGet();
			handled.incrementAndGet();
		});
		Thread[] senders = new Thread[4];
		for (int s = 0; s < senders.length; s++) {
			senders[s] = new Thread(() -> {
				for (int i = 0; i < 50; i++) {
					this.b.forward(this.a.localNode().id(), "serial", i);
				}
			});
			senders[s].start();
		}
		for (Thread sender : senders) {
			sender.join(30_000);
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> handled.get() == 200);
		assertThat(maxRunning).hasValue(1);
		assertThat(threads).allMatch((name) -> name.startsWith("partisan-a-handler-"));
	}

	@Test
	void aHandlerThatThrowsKeepsItsNameAndGetsTheNextMessage() {
		List<String> got = new CopyOnWriteArrayList<>();
		this.a.register("fragile", String.class, (text, meta) -> {
			if (text.equals("boom")) {
				throw new IllegalStateException("handler bug");
			}
			got.add(text);
		});
		NodeId to = this.a.localNode().id();
		this.b.forward(to, "fragile", "before");
		this.b.forward(to, "fragile", "boom");
		this.b.forward(to, "fragile", "after");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(got).containsExactly("before", "after"));
		assertThat(this.b.isConnected(to)).isTrue();
	}

	@Test
	void aHandlerLearnsTheSenderAndChannel() {
		List<PartisanMessage> metas = new CopyOnWriteArrayList<>();
		this.a.register("meta", String.class, (text, meta) -> metas.add(meta));
		this.b.forward(this.a.localNode().id(), "meta", "x", ForwardOptions.defaults());
		await().atMost(TestNodes.awaitLimit()).until(() -> metas.size() == 1);
		assertThat(metas.get(0).sender()).isEqualTo(NodeId.of("b"));
		assertThat(metas.get(0).channel()).isEqualTo("default");
		assertThat(metas.get(0).destination()).isEqualTo("meta");
	}

	@Test
	void aNodeCanSendToItsOwnHandlers() {
		List<String> got = new CopyOnWriteArrayList<>();
		this.a.register("self", String.class, (text, meta) -> got.add(text + " from " + meta.sender()));
		this.a.forward(this.a.localNode().id(), "self", "note");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(got).containsExactly("note from a"));
	}

	@Test
	void anUnregisteredNameStopsReceivingAndIsCounted() {
		List<String> got = new CopyOnWriteArrayList<>();
		this.a.register("temp", String.class, (text, meta) -> got.add(text));
		this.b.forward(this.a.localNode().id(), "temp", "one");
		await().atMost(TestNodes.awaitLimit()).until(() -> got.size() == 1);
		this.a.unregister("temp");
		this.b.forward(this.a.localNode().id(), "temp", "two");
		await().atMost(TestNodes.awaitLimit()).until(() -> this.a.undeliverableCount() == 1);
		assertThat(got).containsExactly("one");
	}

	@Test
	void twoHandlersCannotShareAName() {
		this.a.register("dup", String.class, (text, meta) -> {
		});
		assertThatThrownBy(() -> this.a.register("dup", String.class, (text, meta) -> {
		})).isInstanceOf(IllegalStateException.class).hasMessageContaining("'dup' is already registered");
	}

	@Test
	void forwardingToAnUnknownNodeIsAClearError() {
		assertThatThrownBy(() -> this.a.forward(NodeId.of("ghost"), "x", "y"))
			.isInstanceOf(dev.partisan.api.UnknownNodeException.class)
			.hasMessageContaining("No route to node 'ghost'");
	}

}
