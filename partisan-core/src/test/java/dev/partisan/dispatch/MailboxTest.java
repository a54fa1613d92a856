package dev.partisan.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.RequestHandler;
import dev.partisan.transport.InboundFlow;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One handler's mailbox. Most tests run its drain tasks by hand on the test thread, so
 * when the handler runs, how many tasks are scheduled and what back-pressure does at each
 * step are all under the test's control; one test uses a real pool to check one-at-a-time
 * under contention.
 */
class MailboxTest {

	private static final NodeId SENDER = NodeId.of("sender");

	/** Decodes the test payloads, which are UTF-8 text; "poison" cannot be decoded. */
	private static final PayloadDecoder TEXT = (delivery, expected) -> {
		String text = delivery.payload().toString(StandardCharsets.UTF_8);
		if (text.equals("poison")) {
			throw new IllegalArgumentException("not a greeting");
		}
		return text;
	};

	/** Runs the tasks the mailbox schedules only when the test says so. */
	private final ManualExecutor executor = new ManualExecutor();

	private final List<String> handled = new ArrayList<>();

	private final List<String> replies = new ArrayList<>();

	private final Replier replier = (call, value, error) -> this.replies
		.add(call.meta().messageId() + ":" + ((error != null) ? "error " + error : value));

	@Test
	void queuedMessagesAreHandledInArrivalOrderByASingleDrainTask() {
		Mailbox<String> mailbox = mailbox(10, this::record);

		for (int i = 0; i < 3; i++) {
			assertThat(mailbox.offer(delivery(i, "m" + i, false))).isTrue();
		}

		assertThat(this.handled).as("nothing runs on the offering thread").isEmpty();
		assertThat(this.executor.pending()).as("one drain task for the three").isEqualTo(1);
		this.executor.runAll(10);
		assertThat(this.handled).containsExactly("m0", "m1", "m2");
		assertThat(mailbox.size()).isZero();
		assertThat(mailbox.delivered.sum()).isEqualTo(3);
	}

	@Test
	void aDrainTaskHandlesABoundedBatchAndSchedulesTheRestAsANewTask() {
		// A busy handler must give its worker back now and then, so other mailboxes get a
		// turn.
		Mailbox<String> mailbox = mailbox(1000, this::record);
		for (int i = 0; i < 100; i++) {
			mailbox.offer(delivery(i, "m" + i, false));
		}

		this.executor.runNext();

		assertThat(this.handled).hasSize(64);
		assertThat(this.executor.pending()).isEqualTo(1);
		this.executor.runAll(10);
		assertThat(this.handled).hasSize(100);
		assertThat(this.handled.get(99)).isEqualTo("m99");
	}

	@Test
	void theFramesOfOneReadWakeTheWorkerOnceAfterTheRead() {
		Mailbox<String> mailbox = mailbox(1000, this::record);
		ReadingFlow flow = new ReadingFlow();
		for (int i = 0; i < 10; i++) {
			mailbox.offer(delivery(i, "m" + i, false), flow);
		}

		assertThat(this.executor.pending()).as("no worker woken while the read is taken").isZero();
		assertThat(flow.afterRead).as("one wake-up for the read").hasSize(1);
		flow.readDone();
		assertThat(this.executor.pending()).isEqualTo(1);
		this.executor.runAll(10);
		assertThat(this.handled).hasSize(10).startsWith("m0").endsWith("m9");

		// The next read wakes it again, once.
		mailbox.offer(delivery(10, "m10", false), flow);
		mailbox.offer(delivery(11, "m11", false), flow);
		assertThat(flow.afterRead).hasSize(1);
		flow.readDone();
		this.executor.runAll(10);
		assertThat(this.handled).hasSize(12).endsWith("m11");
	}

	@Test
	void aDeliveryOfferedWithoutAFlowWhileAReadIsPendingJoinsTheDrainScheduledForTheRead() {
		Mailbox<String> mailbox = mailbox(1000, this::record);
		ReadingFlow flow = new ReadingFlow();
		mailbox.offer(delivery(1, "m1", false), flow);
		mailbox.offer(delivery(2, "m2", false));

		assertThat(this.executor.pending()).isZero();
		flow.readDone();
		this.executor.runAll(10);
		assertThat(this.handled).containsExactly("m1", "m2");
	}

	@Test
	void withManyWorkersAHandlerStillSeesOneMessageAtATimeInArrivalOrder() {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			AtomicInteger running = new AtomicInteger();
			AtomicInteger mostAtOnce = new AtomicInteger();
			List<String> seen = Collections.synchronizedList(new ArrayList<>());
			Mailbox<String> mailbox = new Mailbox<>("h", String.class, (payload, meta) -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				seen.add(payload);
				running.decrementAndGet();
				return null;
			}, pool, TEXT, this.replier, 10_000);
			List<String> sent = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				sent.add("m" + i);
				mailbox.offer(delivery(i, "m" + i, false));
			}

			await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == sent.size());

			assertThat(seen).containsExactlyElementsOf(sent);
			assertThat(mostAtOnce.get()).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void atCapacityAMessageIsRefusedAndReleasedUntilTheMailboxDrains() {
		Mailbox<String> mailbox = mailbox(2, this::record);
		mailbox.offer(delivery(1, "m1", false));
		mailbox.offer(delivery(2, "m2", false));
		Delivery third = delivery(3, "m3", false);

		assertThat(mailbox.offer(third)).isFalse();

		assertThat(third.payload().refCnt()).isZero();
		assertThat(mailbox.dropped.sum()).isEqualTo(1);
		assertThat(mailbox.size()).isEqualTo(2);
		this.executor.runAll(10);
		assertThat(mailbox.offer(delivery(4, "m4", false))).isTrue();
		this.executor.runAll(10);
		assertThat(this.handled).containsExactly("m1", "m2", "m4");
	}

	@Test
	void aFullMailboxPausesTheConnectionInsteadOfDroppingAndResumesItAtHalfCapacity() {
		Mailbox<String> mailbox = mailbox(4, this::record);
		RecordingFlow flow = new RecordingFlow(mailbox);

		for (int i = 0; i < 5; i++) {
			assertThat(mailbox.offer(delivery(i, "m" + i, false), flow)).isTrue();
		}

		// The fourth reached capacity; the fifth, read before the pause took effect, is
		// still taken.
		assertThat(flow.pauses).isEqualTo(2);
		assertThat(flow.sizesAtResume).isEmpty();
		assertThat(mailbox.pauses.sum()).isEqualTo(2);
		assertThat(mailbox.dropped.sum()).isZero();

		this.executor.runAll(10);

		assertThat(this.handled).containsExactly("m0", "m1", "m2", "m3", "m4");
		assertThat(flow.sizesAtResume).as("every pause lifted once the mailbox was down to half").containsExactly(2, 2);
	}

	@Test
	void aCallIsAnsweredWithWhatTheHandlerReturned() {
		Mailbox<String> mailbox = mailbox(10, (payload, meta) -> payload.toUpperCase());

		mailbox.offer(delivery(1, "hello", true));
		mailbox.offer(delivery(2, "not a call", false));
		this.executor.runAll(10);

		assertThat(this.replies).containsExactly("1:HELLO");
	}

	@Test
	void aHandlerThatThrowsIsToldTheNextMessageAndTheCallerGetsTheError() {
		Mailbox<String> mailbox = mailbox(10, (payload, meta) -> {
			if (payload.equals("bad")) {
				throw new IllegalStateException("cannot handle bad");
			}
			return record(payload, meta);
		});

		mailbox.offer(delivery(1, "bad", true));
		mailbox.offer(delivery(2, "good", false));
		this.executor.runAll(10);

		assertThat(this.handled).containsExactly("good");
		assertThat(this.replies).singleElement()
			.asString()
			.startsWith("1:error Handler 'h' failed")
			.contains("cannot handle bad");
		assertThat(mailbox.failed.sum()).isEqualTo(1);
		assertThat(mailbox.delivered.sum()).isEqualTo(1);
	}

	@Test
	void aPayloadThatCannotBeDecodedNeverReachesTheHandlerAndTheCallerIsTold() {
		Mailbox<String> mailbox = mailbox(10, this::record);
		Delivery poison = delivery(1, "poison", true);

		mailbox.offer(poison);
		mailbox.offer(delivery(2, "fine", false));
		this.executor.runAll(10);

		assertThat(this.handled).containsExactly("fine");
		assertThat(this.replies).singleElement()
			.asString()
			.startsWith("1:error Handler 'h' rejected the message")
			.contains("not a greeting");
		assertThat(poison.payload().refCnt()).isZero();
		assertThat(mailbox.failed.sum()).isEqualTo(1);
	}

	@Test
	void everyPayloadIsReleasedOnceHandled() {
		Mailbox<String> mailbox = mailbox(10, this::record);
		Delivery delivery = delivery(1, "m1", false);

		mailbox.offer(delivery);
		this.executor.runAll(10);

		assertThat(delivery.payload().refCnt()).isZero();
	}

	@Test
	void theHandlerRunsUnderItsOwnNameAsTheCurrentHandler() {
		List<@Nullable String> names = new ArrayList<>();
		Mailbox<String> mailbox = mailbox(10, (payload, meta) -> {
			names.add(Dispatcher.currentHandler());
			return null;
		});

		mailbox.offer(delivery(1, "m1", false));
		this.executor.runAll(10);

		assertThat(names).containsExactly("h");
		assertThat(Dispatcher.currentHandler()).as("restored on the worker after the drain").isNull();
	}

	@Test
	void closingDropsWhatIsQueuedResumesPausedConnectionsAndRefusesMore() {
		Mailbox<String> mailbox = mailbox(2, this::record);
		RecordingFlow flow = new RecordingFlow(mailbox);
		Delivery first = delivery(1, "m1", false);
		mailbox.offer(first, flow);
		mailbox.offer(delivery(2, "m2", false), flow);
		assertThat(flow.pauses).isEqualTo(1);

		mailbox.close();

		assertThat(flow.sizesAtResume).hasSize(1);
		assertThat(first.payload().refCnt()).isZero();
		assertThat(mailbox.dropped.sum()).isEqualTo(2);
		Delivery late = delivery(3, "m3", false);
		assertThat(mailbox.offer(late)).isFalse();
		assertThat(mailbox.offer(delivery(4, "m4", false), flow)).isFalse();
		assertThat(late.payload().refCnt()).isZero();
		this.executor.runAll(10);
		assertThat(this.handled).isEmpty();
	}

	private Mailbox<String> mailbox(int capacity, RequestHandler<String> handler) {
		return new Mailbox<>("h", String.class, handler, this.executor, TEXT, this.replier, capacity);
	}

	private @Nullable Object record(String payload, PartisanMessage meta) {
		this.handled.add(payload);
		return null;
	}

	private static Delivery delivery(long id, String text, boolean call) {
		return new Delivery(new PartisanMessage(SENDER, "default", "h", id), (byte) 2, "", false,
				Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), call);
	}

	/**
	 * An executor whose tasks wait until the test runs them, one by one, on its own
	 * thread.
	 */
	private static final class ManualExecutor implements Executor {

		private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
		}

		int pending() {
			return this.tasks.size();
		}

		void runNext() {
			this.tasks.remove().run();
		}

		/**
		 * Runs tasks, those they schedule included, until none is left; fails past
		 * {@code atMost}.
		 */
		void runAll(int atMost) {
			for (int run = 0; run < atMost && !this.tasks.isEmpty(); run++) {
				runNext();
			}
			assertThat(this.tasks).as("tasks still scheduled after " + atMost + " runs").isEmpty();
		}

	}

	/** A connection in the middle of a read: what waits for its end runs on readDone. */
	private static final class ReadingFlow implements InboundFlow {

		final List<Runnable> afterRead = new ArrayList<>();

		@Override
		public void pause() {
		}

		@Override
		public void resume() {
		}

		@Override
		public void afterRead(Runnable task) {
			this.afterRead.add(task);
		}

		void readDone() {
			List<Runnable> tasks = new ArrayList<>(this.afterRead);
			this.afterRead.clear();
			tasks.forEach(Runnable::run);
		}

	}

	/** Counts pauses and notes the mailbox's size at each resume. */
	private static final class RecordingFlow implements InboundFlow {

		private final Mailbox<?> mailbox;

		int pauses;

		final List<Integer> sizesAtResume = new ArrayList<>();

		RecordingFlow(Mailbox<?> mailbox) {
			this.mailbox = mailbox;
		}

		@Override
		public void pause() {
			this.pauses++;
		}

		@Override
		public void resume() {
			this.sizesAtResume.add(this.mailbox.size());
		}

	}

}
