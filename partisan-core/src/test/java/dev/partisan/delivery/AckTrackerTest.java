package dev.partisan.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.NodeId;
import dev.partisan.api.OutstandingLimitException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sender's side of acknowledgement: what is kept until acknowledged, what comes back
 * for retransmission, and the per-peer bound. The frames are plain heap buffers so their
 * reference counts show whether the tracker keeps and releases its own copy.
 */
class AckTrackerTest {

	private static final NodeId A = NodeId.of("a");

	private static final NodeId B = NodeId.of("b");

	private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

	private final AckTracker tracker = new AckTracker(2);

	private final ByteBuf frame = Unpooled.copiedBuffer("frame", StandardCharsets.UTF_8);

	@AfterEach
	void releaseTheTestsOwnReference() {
		this.tracker.clear();
		this.frame.release();
	}

	@Test
	void aTrackedMessageIsOutstandingUntilItsPeerAcknowledgesIt() {
		track(1, A);
		assertThat(this.tracker.outstanding()).isEqualTo(1);

		this.tracker.acknowledge(A, 1);

		assertThat(this.tracker.outstanding()).isZero();
		assertThat(this.tracker.acknowledged()).isEqualTo(1);
	}

	@Test
	void anAcknowledgementFromAnotherPeerOrOfAnUnknownIdChangesNothing() {
		track(1, A);

		this.tracker.acknowledge(B, 1);
		this.tracker.acknowledge(A, 2);

		assertThat(this.tracker.outstanding()).isEqualTo(1);
		assertThat(this.tracker.acknowledged()).isZero();
	}

	@Test
	void aRepeatedAcknowledgementIsCountedOnce() {
		// The receiver acknowledges every copy it gets, so a retransmitted message may be
		// acknowledged twice.
		track(1, A);

		this.tracker.acknowledge(A, 1);
		this.tracker.acknowledge(A, 1);

		assertThat(this.tracker.acknowledged()).isEqualTo(1);
	}

	@Test
	void theTrackerKeepsItsOwnReferenceToTheFrameUntilTheAcknowledgement() {
		track(1, A);
		assertThat(this.frame.refCnt()).as("the caller's and the tracker's").isEqualTo(2);

		this.tracker.acknowledge(A, 1);

		assertThat(this.frame.refCnt()).as("the caller's only").isEqualTo(1);
	}

	@Test
	void pastThePerPeerBoundASendFailsWithoutTakingTheFrame() {
		track(1, A);
		track(2, A);

		assertThatExceptionOfType(OutstandingLimitException.class).isThrownBy(() -> track(3, A))
			.withMessageContaining("'a'")
			.withMessageContaining("2");
		assertThat(this.tracker.outstanding()).isEqualTo(2);
		assertThat(this.frame.refCnt()).as("the caller's and the two tracked copies").isEqualTo(3);
	}

	@Test
	void theBoundIsPerPeerAndAnAcknowledgementMakesRoomAgain() {
		track(1, A);
		track(2, A);
		track(3, B);

		this.tracker.acknowledge(A, 1);
		track(4, A);

		assertThat(this.tracker.outstanding()).isEqualTo(3);
		assertThatExceptionOfType(OutstandingLimitException.class).isThrownBy(() -> track(5, A));
	}

	@Test
	void aForgottenMessageFreesItsPlaceAndItsFrameWithoutCountingAsAcknowledged() {
		track(1, A);
		track(2, A);

		this.tracker.forget(1);
		track(3, A);

		assertThat(this.tracker.outstanding()).isEqualTo(2);
		assertThat(this.tracker.acknowledged()).isZero();
		assertThat(this.frame.refCnt()).isEqualTo(3);
	}

	@Test
	void aMessageJustSentIsNotOverdue() {
		track(1, A);

		assertThat(this.tracker.overdue(ONE_HOUR)).isEmpty();
		assertThat(this.tracker.retransmits()).isZero();
	}

	@Test
	void anOverdueMessageIsReturnedOnceAndNotAgainUntilThatCopyHasLeft() {
		track(1, A);
		track(2, B);
		// Every message is overdue against a zero interval; that also gives the test the
		// entries.
		List<AckTracker.Outstanding> all = this.tracker.overdue(0);
		assertThat(all).extracting((entry) -> entry.id).containsExactlyInAnyOrder(1L, 2L);
		assertThat(all).allMatch(AckTracker.Outstanding::inFlight);
		AckTracker.Outstanding second = all.stream().filter((entry) -> entry.id == 2).findFirst().orElseThrow();

		assertThat(this.tracker.overdue(0)).as("both copies are still on their way").isEmpty();

		second.left();

		assertThat(this.tracker.overdue(0)).extracting((entry) -> entry.id).containsExactly(2L);
		assertThat(this.tracker.retransmits()).isEqualTo(3);
	}

	@Test
	void aMessageWhoseFirstCopyHasNotLeftIsNeverOverdue() {
		// Its peer is down: the copy waits in a lane, and a second one would only queue
		// behind it.
		this.tracker.track(1, A, this.frame, new AckTracker.Resend("default", null, "sender", "handler", 5));

		assertThat(this.tracker.overdue(0)).isEmpty();
		assertThat(this.tracker.overdue(0)).isEmpty();
		assertThat(this.tracker.retransmits()).isZero();
	}

	@Test
	void theWaitForTheAcknowledgementStartsWhenTheCopyLeaves() {
		track(1, A);
		AckTracker.Outstanding entry = this.tracker.overdue(0).get(0);
		entry.lastSentNanos = System.nanoTime() - 2 * ONE_HOUR;

		entry.left();

		assertThat(entry.inFlight()).isFalse();
		assertThat(this.tracker.overdue(ONE_HOUR)).as("it left just now").isEmpty();
		assertThat(this.tracker.overdue(0)).extracting((due) -> due.id).containsExactly(1L);
	}

	@Test
	void anAcknowledgedMessageIsNeverOverdue() {
		track(1, A);
		track(2, A);
		this.tracker.acknowledge(A, 1);

		assertThat(this.tracker.overdue(0)).extracting((entry) -> entry.id).containsExactly(2L);
	}

	@Test
	void anEntryAcknowledgedAfterItWasFoundOverdueHasNoFrameToResend() {
		// The retransmission takes the overdue entries on the control thread; an
		// acknowledgement may arrive on a network thread before it sends them.
		ByteBuf own = Unpooled.copiedBuffer("own", StandardCharsets.UTF_8);
		this.tracker.track(1, A, own, new AckTracker.Resend("default", null, "sender", "handler", 3)).left();
		AckTracker.Outstanding entry = this.tracker.overdue(0).get(0);

		this.tracker.acknowledge(A, 1);

		assertThat(entry.frameForResend()).isNull();
		assertThat(own.refCnt()).as("the caller's only").isEqualTo(1);
		own.release();
	}

	@Test
	void anOverdueEntryCarriesWhatIsNeededToSendItAgain() {
		this.tracker.track(7, A, this.frame, new AckTracker.Resend("kv", "key-1", "sender", "store", 5)).left();

		AckTracker.Outstanding entry = this.tracker.overdue(0).get(0);

		assertThat(entry.id).isEqualTo(7);
		assertThat(entry.peer).isEqualTo(A);
		assertThat(entry.channel).isEqualTo("kv");
		assertThat(entry.partitionKey).isEqualTo("key-1");
		assertThat(entry.identity).isEqualTo("sender");
		assertThat(entry.destination).isEqualTo("store");
		assertThat(entry.payloadSize).isEqualTo(5);
		ByteBuf resend = entry.frameForResend();
		try {
			assertThat(resend.toString(StandardCharsets.UTF_8)).isEqualTo("frame");
			// Reading the copy for one transmission must leave the next one whole.
			resend.skipBytes(resend.readableBytes());
			ByteBuf again = entry.frameForResend();
			assertThat(again.toString(StandardCharsets.UTF_8)).isEqualTo("frame");
			again.release();
		}
		finally {
			resend.release();
		}
	}

	@Test
	void clearingDropsEverythingAndReleasesEveryFrame() {
		track(1, A);
		track(2, B);

		this.tracker.clear();

		assertThat(this.tracker.outstanding()).isZero();
		assertThat(this.frame.refCnt()).isEqualTo(1);
		track(3, A);
		track(4, A);
		assertThat(this.tracker.outstanding()).as("the per-peer counts were freed too").isEqualTo(2);
	}

	/** Tracks a message whose first copy has left (been written to its connection). */
	private void track(long id, NodeId peer) {
		this.tracker.track(id, peer, this.frame, new AckTracker.Resend("default", null, "sender", "handler", 5)).left();
	}

}
