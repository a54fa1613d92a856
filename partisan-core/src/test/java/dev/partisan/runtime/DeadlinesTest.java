package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Call time limits kept by one scheduled check for the earliest deadline. */
class DeadlinesTest {

	/** Counts what is scheduled on it. */
	private final AtomicInteger scheduled = new AtomicInteger();

	private final ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1) {

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			DeadlinesTest.this.scheduled.incrementAndGet();
			return super.schedule(command, delay, unit);
		}

	};

	private final Deadlines deadlines = new Deadlines(this.timer);

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
	}

	@Test
	void aFutureNotDoneByItsDeadlineFailsWithATimeout() {
		CompletableFuture<String> future = this.deadlines.orTimeout(new CompletableFuture<>(), 20);
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(TimeoutException.class);
		assertThat(this.deadlines.waiting()).isZero();
	}

	@Test
	void aFutureDoneInTimeIsForgottenAndKeepsItsValue() {
		CompletableFuture<String> future = this.deadlines.orTimeout(new CompletableFuture<>(), 60_000);
		assertThat(this.deadlines.waiting()).isEqualTo(1);
		future.complete("answer");
		assertThat(this.deadlines.waiting()).isZero();
		assertThat(future.join()).isEqualTo("answer");
	}

	@Test
	void laterDeadlinesScheduleNoCheckOfTheirOwn() {
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			futures.add(this.deadlines.orTimeout(new CompletableFuture<>(), 60_000));
		}
		// The first deadline is the earliest: one check for all of them.
		assertThat(this.scheduled).hasValue(1);
		futures.forEach((future) -> future.complete("done"));
		assertThat(this.deadlines.waiting()).isZero();
	}

	@Test
	void anEarlierDeadlineAfterALaterOneIsStillKept() throws Exception {
		CompletableFuture<String> late = this.deadlines.orTimeout(new CompletableFuture<>(), 60_000);
		CompletableFuture<String> early = this.deadlines.orTimeout(new CompletableFuture<>(), 20);
		assertThatThrownBy(() -> early.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
		assertThat(late).isNotDone();
		// The check that failed the early one left one scheduled for the late one.
		CompletableFuture<String> next = this.deadlines.orTimeout(new CompletableFuture<>(), 20);
		assertThatThrownBy(() -> next.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
		assertThat(late).isNotDone();
		assertThat(this.deadlines.waiting()).isEqualTo(1);
	}

	@Test
	void deadlinesKeepBeingCheckedAfterTheFirstCheck() {
		for (int round = 0; round < 3; round++) {
			CompletableFuture<String> future = this.deadlines.orTimeout(new CompletableFuture<>(), 10);
			assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
		}
		assertThat(this.deadlines.waiting()).isZero();
	}

	@Test
	void withItsTimerGoneTheJdksKeepsTheDeadline() {
		ScheduledExecutorService gone = Executors.newSingleThreadScheduledExecutor();
		gone.shutdownNow();
		Deadlines closing = new Deadlines(gone);
		CompletableFuture<String> future = closing.orTimeout(new CompletableFuture<>(), 20);
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
		assertThat(closing.waiting()).isZero();
	}

}
