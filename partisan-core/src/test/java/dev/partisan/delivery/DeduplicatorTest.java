package dev.partisan.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.NodeId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The receiver's side of acknowledgement: which copies of a message are the first, per
 * sender incarnation.
 */
class DeduplicatorTest {

	private static final NodeId A = NodeId.of("a");

	private static final NodeId B = NodeId.of("b");

	private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

	@Test
	void theFirstCopyIsAcceptedAndARetransmissionWithinTheWindowIsRecognised() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);

		assertThat(dedup.firstTime(A, 1, 7)).isTrue();
		assertThat(dedup.firstTime(A, 1, 7)).isFalse();
		assertThat(dedup.firstTime(A, 1, 7)).isFalse();

		assertThat(dedup.duplicates()).isEqualTo(2);
	}

	@Test
	void idsAreRememberedPerSender() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);
		dedup.firstTime(A, 1, 7);

		assertThat(dedup.firstTime(B, 1, 7)).isTrue();
		assertThat(dedup.duplicates()).isZero();
	}

	@Test
	void aForgottenMessageIsAcceptedWhenItComesAgain() {
		// The node recorded it but could not take it (a full buffer): the sender's
		// retransmission must get in.
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);
		dedup.firstTime(A, 1, 7);
		dedup.firstTime(A, 1, 8);

		dedup.forget(A, 1, 7);

		assertThat(dedup.firstTime(A, 1, 7)).isTrue();
		assertThat(dedup.firstTime(A, 1, 8)).as("only the forgotten one").isFalse();
	}

	@Test
	void forgettingAnUnknownSenderOrIdIsHarmless() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);
		dedup.firstTime(A, 1, 7);

		dedup.forget(B, 1, 7);
		dedup.forget(A, 2, 7);
		dedup.forget(A, 1, 8);

		assertThat(dedup.firstTime(A, 1, 7)).isFalse();
	}

	@Test
	void aRestartedSenderNumbersItsMessagesAfresh() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);
		dedup.firstTime(A, 1, 7);

		assertThat(dedup.firstTime(A, 2, 7)).as("id 7 of the new incarnation is another message").isTrue();
		assertThat(dedup.firstTime(A, 2, 7)).isFalse();
	}

	@Test
	void oneSendersRestartLeavesWhatIsKnownOfTheOthers() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 100);
		dedup.firstTime(A, 1, 7);
		dedup.firstTime(B, 1, 7);

		dedup.firstTime(A, 2, 1);

		assertThat(dedup.firstTime(B, 1, 7)).isFalse();
	}

	@Test
	void pastTheBoundPerSenderTheOldestIdIsForgotten() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 3);
		for (long id = 1; id <= 4; id++) {
			assertThat(dedup.firstTime(A, 1, id)).isTrue();
		}

		// Duplicates are checked first: looking up 1 would record it again and push 2
		// out.
		assertThat(dedup.firstTime(A, 1, 2)).isFalse();
		assertThat(dedup.firstTime(A, 1, 3)).isFalse();
		assertThat(dedup.firstTime(A, 1, 4)).isFalse();
		assertThat(dedup.firstTime(A, 1, 1)).as("the oldest made room for 4").isTrue();
	}

	@Test
	void theBoundIsPerSender() {
		Deduplicator dedup = new Deduplicator(ONE_HOUR, 2);
		dedup.firstTime(A, 1, 1);
		dedup.firstTime(A, 1, 2);
		for (long id = 1; id <= 5; id++) {
			dedup.firstTime(B, 1, id);
		}

		assertThat(dedup.firstTime(A, 1, 1)).isFalse();
		assertThat(dedup.firstTime(A, 1, 2)).isFalse();
	}

	@Test
	void anIdOlderThanTheWindowIsForgottenWhenTheNextOneIsRecorded() {
		// The class reads the clock itself: a one-nanosecond window expires as soon as
		// the clock moves on.
		Deduplicator dedup = new Deduplicator(1, 100);
		dedup.firstTime(A, 1, 1);
		long recorded = System.nanoTime();
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(1))
			.until(() -> System.nanoTime() - recorded > 1);

		assertThat(dedup.firstTime(A, 1, 2)).isTrue();

		assertThat(dedup.firstTime(A, 1, 2)).as("a duplicate is recognised before anything expires").isFalse();
		assertThat(dedup.firstTime(A, 1, 1)).isTrue();
	}

}
