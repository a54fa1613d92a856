package dev.partisan.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.api.Registration;
import dev.partisan.testing.LogCapture;
import dev.partisan.transport.InboundFlow;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Routing by handler name on a dispatcher with its own worker pool: handlers run on
 * workers, so what they see is awaited (within a bound), never slept for.
 */
class DispatcherTest {

	private static final NodeId SENDER = NodeId.of("sender");

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static final PayloadDecoder TEXT = (delivery, expected) -> delivery.payload()
		.toString(StandardCharsets.UTF_8);

	/**
	 * Replies as {@code id:value} or {@code id:error message}, in the order they were
	 * sent.
	 */
	private final List<String> replies = Collections.synchronizedList(new ArrayList<>());

	private final Replier replier = (call, value, error) -> this.replies
		.add(call.meta().messageId() + ":" + ((error != null) ? "error " + error : value));

	private Dispatcher dispatcher = new Dispatcher("test", 2, 100, TEXT, this.replier);

	@AfterEach
	void close() {
		this.dispatcher.close();
	}

	@Test
	void aMessageReachesTheHandlerNamedByItsDestinationOnly() {
		List<String> toA = Collections.synchronizedList(new ArrayList<>());
		List<String> toB = Collections.synchronizedList(new ArrayList<>());
		this.dispatcher.register("a", String.class, (payload, meta) -> toA.add(payload));
		this.dispatcher.register("b", String.class, (payload, meta) -> toB.add(payload));

		assertThat(this.dispatcher.dispatch(delivery(1, "a", "for a", false))).isTrue();
		assertThat(this.dispatcher.dispatch(delivery(2, "b", "for b", false))).isTrue();
		assertThat(this.dispatcher.dispatch(delivery(3, "a", "for a again", false))).isTrue();

		await().atMost(PATIENCE).until(() -> toA.size() == 2 && toB.size() == 1);
		assertThat(toA).containsExactly("for a", "for a again");
		assertThat(toB).containsExactly("for b");
	}

	@Test
	void aHandlerLearnsWhoSentTheMessageAndRunsUnderItsOwnName() {
		List<String> seen = Collections.synchronizedList(new ArrayList<>());
		this.dispatcher.register("echo", String.class, (payload, meta) -> seen
			.add(meta.sender() + "/" + meta.messageId() + "/" + Dispatcher.currentHandler()));

		this.dispatcher.dispatch(delivery(7, "echo", "hi", false));

		await().atMost(PATIENCE).until(() -> !seen.isEmpty());
		assertThat(seen).containsExactly("sender/7/echo");
	}

	@Test
	void whatARequestHandlerReturnsIsTheReplyToACall() {
		this.dispatcher.registerRequestHandler("upper", String.class, (payload, meta) -> payload.toUpperCase());
		this.dispatcher.register("sink", String.class, (payload, meta) -> {
		});

		this.dispatcher.dispatch(delivery(1, "upper", "hello", true));
		this.dispatcher.dispatch(delivery(2, "sink", "anything", true));

		await().atMost(PATIENCE).until(() -> this.replies.size() == 2);
		assertThat(this.replies).containsExactlyInAnyOrder("1:HELLO", "2:null");
	}

	@Test
	void aMessageForAnUnknownNameIsCountedReleasedAndWarnedAboutOncePerName() {
		Delivery first = delivery(1, "nobody", "lost", false);
		try (LogCapture log = new LogCapture(Dispatcher.class)) {
			this.dispatcher.dispatch(first);
			this.dispatcher.dispatch(delivery(2, "nobody", "lost too", false));
			this.dispatcher.dispatch(delivery(3, "no-one", "lost three", false));

			assertThat(log.messages()).filteredOn((line) -> line.contains("No handler named"))
				.hasSize(2)
				.anyMatch((line) -> line.contains("'nobody'"))
				.anyMatch((line) -> line.contains("'no-one'"));
		}
		assertThat(this.dispatcher.undeliverable()).isEqualTo(3);
		assertThat(first.payload().refCnt()).isZero();
		assertThat(this.replies).as("not calls: nobody waits for an answer").isEmpty();
	}

	@Test
	void threeThousandDistinctUnknownNamesLeaveABoundedWarningSetAndABoundedLog() {
		try (LogCapture log = new LogCapture(Dispatcher.class)) {
			for (int i = 0; i < 3_000; i++) {
				// Long names, as an attacker would send (up to 64 KiB each).
				String name = i + "-" + "n".repeat(4_096);
				this.dispatcher.dispatch(delivery(i, name, "lost", false));
			}

			assertThat(this.dispatcher.warningKeys()).isLessThanOrEqualTo(RateLimitedLog.DEFAULT_MAX_KEYS + 1);
			assertThat(log.messages()).hasSizeLessThanOrEqualTo(RateLimitedLog.DEFAULT_MAX_KEYS + 1)
				.allSatisfy((line) -> assertThat(line).hasSizeLessThan(400));
		}
		assertThat(this.dispatcher.undeliverable()).as("every one is still counted").isEqualTo(3_000);
	}

	@Test
	void aHandlerNameWithALineBreakIsLoggedOnOneLineWithItsEscapes() {
		try (LogCapture log = new LogCapture(Dispatcher.class)) {
			this.dispatcher.dispatch(delivery(1, "inbox\nERROR [main] forged", "lost", false));

			assertThat(log.messages()).singleElement()
				.asString()
				.contains("'inbox\\nERROR [main] forged'")
				.doesNotContain("\n", "\r");
		}
	}

	@Test
	void aCallToAnUnknownNameIsAnsweredWithAnErrorAtOnce() {
		this.dispatcher.dispatch(delivery(5, "nobody", "hello?", true));

		assertThat(this.replies).containsExactly("5:error No handler named 'nobody'");
	}

	@Test
	void aNameHoldsOneHandlerAndMustNotBeBlank() {
		this.dispatcher.register("kv", String.class, (payload, meta) -> {
		});

		assertThatIllegalStateException()
			.isThrownBy(() -> this.dispatcher.register("kv", String.class, (payload, meta) -> {
			}))
			.withMessageContaining("'kv'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.dispatcher.register(" ", String.class, (payload, meta) -> {
			}));
		assertThat(this.dispatcher.typeOf("kv")).isEqualTo(String.class);
		assertThat(this.dispatcher.typeOf("other")).isNull();
	}

	@Test
	void removingARegistrationFreesTheNameAndAStaleRemovalLeavesItsSuccessorAlone() {
		Registration first = this.dispatcher.register("kv", String.class, (payload, meta) -> {
		});
		first.remove();
		assertThat(this.dispatcher.typeOf("kv")).isNull();

		this.dispatcher.register("kv", Integer.class, (payload, meta) -> {
		});
		first.remove();

		assertThat(this.dispatcher.typeOf("kv")).isEqualTo(Integer.class);
		this.dispatcher.unregister("kv");
		assertThat(this.dispatcher.typeOf("kv")).isNull();
	}

	@Test
	void aFullMailboxWithoutAConnectionToPauseDropsTheMessage() throws InterruptedException {
		this.dispatcher.close();
		this.dispatcher = new Dispatcher("test", 2, 1, TEXT, this.replier);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> handled = Collections.synchronizedList(new ArrayList<>());
		this.dispatcher.register("slow", String.class, (payload, meta) -> {
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			handled.add(payload);
		});
		try {
			this.dispatcher.dispatch(delivery(1, "slow", "m1", false));
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.dispatcher.dispatch(delivery(2, "slow", "m2", false))).as("fills the mailbox").isTrue();

			Delivery third = delivery(3, "slow", "m3", false);
			assertThat(this.dispatcher.dispatch(third)).isFalse();
			assertThat(third.payload().refCnt()).isZero();
		}
		finally {
			release.countDown();
		}
		await().atMost(PATIENCE).until(() -> handled.size() == 2);
		assertThat(handled).containsExactly("m1", "m2");
		assertThat(this.dispatcher.undeliverable()).as("the name was known").isZero();
	}

	@Test
	void withAConnectionAFullMailboxPausesItInsteadOfDropping() throws InterruptedException {
		this.dispatcher.close();
		this.dispatcher = new Dispatcher("test", 2, 2, TEXT, this.replier);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> handled = Collections.synchronizedList(new ArrayList<>());
		this.dispatcher.register("slow", String.class, (payload, meta) -> {
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			handled.add(payload);
		});
		AtomicInteger paused = new AtomicInteger();
		InboundFlow flow = new InboundFlow() {

			@Override
			public void pause() {
				paused.incrementAndGet();
			}

			@Override
			public void resume() {
				paused.decrementAndGet();
			}

		};
		try {
			this.dispatcher.dispatch(delivery(1, "slow", "m1", false), flow);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 2; i <= 4; i++) {
				assertThat(this.dispatcher.dispatch(delivery(i, "slow", "m" + i, false), flow)).isTrue();
			}

			assertThat(paused.get()).isEqualTo(2);
			assertThat(this.dispatcher.backpressurePauses()).isEqualTo(2);
		}
		finally {
			release.countDown();
		}
		await().atMost(PATIENCE).until(() -> handled.size() == 4);
		assertThat(handled).containsExactly("m1", "m2", "m3", "m4");
		assertThat(paused.get()).as("every pause lifted").isZero();
	}

	private static Delivery delivery(long id, String destination, String text, boolean call) {
		return new Delivery(new PartisanMessage(SENDER, "default", destination, id), (byte) 2, "", false,
				Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), call);
	}

}
