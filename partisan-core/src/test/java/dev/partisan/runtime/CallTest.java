package dev.partisan.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeDownException;
import dev.partisan.api.NodeId;
import dev.partisan.api.RemoteHandlerException;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Call and reply: the handler's return value, and every way a call can fail. */
class CallTest {

	record Question(String text) {
	}

	record Answer(String text, int length) {
	}

	private static final Duration LONG = Duration.ofSeconds(20);

	private final TestNodes nodes = new TestNodes();

	private PartisanNode server;

	private PartisanNode client;

	@BeforeEach
	void start() {
		this.server = this.nodes.start("server", (b) -> b.channel("rpc", 2));
		this.client = this.nodes.start("client", (b) -> b.channel("rpc", 2));
		this.client.syncJoin(this.server.localNode()).join();
		this.server.registerRequestHandler("echo", Question.class,
				(question, meta) -> new Answer(question.text() + " from " + meta.sender(), question.text().length()));
	}

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aCallReturnsTheHandlersValue() {
		Answer answer = this.client
			.call(serverId(), "echo", new Question("hi"), Answer.class, ForwardOptions.channel("rpc"), LONG)
			.join();
		assertThat(answer).isEqualTo(new Answer("hi from client", 2));
	}

	@Test
	void theMonoVariantCallsOnSubscription() {
		Answer answer = this.client
			.callMono(serverId(), "echo", new Question("mono"), Answer.class, ForwardOptions.defaults(), LONG)
			.block(LONG);
		assertThat(answer.length()).isEqualTo(4);
	}

	@Test
	void aNodeCanCallItself() {
		Answer answer = this.server
			.call(serverId(), "echo", new Question("me"), Answer.class, ForwardOptions.defaults(), LONG)
			.join();
		assertThat(answer.text()).isEqualTo("me from server");
	}

	@Test
	void aHandlerThatReturnsNothingCompletesTheCallWithNull() {
		this.server.register("sink", String.class, (text, meta) -> {
		});
		assertThat(this.client.call(serverId(), "sink", "x", Object.class, ForwardOptions.defaults(), LONG).join())
			.isNull();
	}

	@Test
	void aHandlerThatThrowsFailsTheCall() {
		this.server.registerRequestHandler("broken", String.class, (text, meta) -> {
			throw new IllegalArgumentException("no " + text);
		});
		assertThatThrownBy(
				() -> this.client.call(serverId(), "broken", "way", String.class, ForwardOptions.defaults(), LONG)
					.join())
			.hasCauseInstanceOf(RemoteHandlerException.class)
			.hasMessageContaining("no way");
	}

	@Test
	void aCallToAMissingHandlerFailsAtOnce() {
		assertThatThrownBy(
				() -> this.client.call(serverId(), "nobody", "x", String.class, ForwardOptions.defaults(), LONG).join())
			.hasCauseInstanceOf(RemoteHandlerException.class)
			.hasMessageContaining("No handler named 'nobody'");
	}

	@Test
	void aCallWithoutAReplyTimesOut() {
		CountDownLatch release = new CountDownLatch(1);
		this.server.registerRequestHandler("slow", String.class, (text, meta) -> {
			release.await(20, TimeUnit.SECONDS);
			return text;
		});
		try {
			assertThatThrownBy(() -> this.client
				.call(serverId(), "slow", "x", String.class, ForwardOptions.defaults(), Duration.ofMillis(200))
				.join()).hasCauseInstanceOf(CallTimeoutException.class).hasMessageContaining("no reply within PT0.2S");
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aCallToANodeThatStopsFailsWithNodeDownBeforeItsTimeout() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		this.server.registerRequestHandler("hang", String.class, (text, meta) -> {
			entered.countDown();
			Thread.sleep(60_000);
			return text;
		});
		CompletableFuture<String> pending = this.client.call(serverId(), "hang", "x", String.class,
				ForwardOptions.defaults(), Duration.ofMinutes(5));
		assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
		this.server.close();
		assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(NodeDownException.class);
	}

	private NodeId serverId() {
		return this.server.localNode().id();
	}

}
