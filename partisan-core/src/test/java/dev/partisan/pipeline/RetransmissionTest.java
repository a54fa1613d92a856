package dev.partisan.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.partisan.api.QueueFullException;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Verdict;
import dev.partisan.testing.InMemoryTransport.Sent;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retransmission against a peer that is down: the transport takes frames for it but does
 * not write them (as lanes hold what is queued for a peer being redialled), and the test
 * runs the retransmission rounds itself. The interval is zero, so every round finds every
 * unacknowledged message overdue, the worst case: what keeps the copies from piling up is
 * that a message is not sent again while its previous copy has not left.
 */
class RetransmissionTest {

	private static final int MESSAGES = 3;

	private static final int ROUNDS = 10;

	private final PipelineFixture paths = new PipelineFixture();

	private final Retransmission retransmission = new Retransmission(this.paths.acks, this.paths.outbound,
			Duration.ZERO);

	RetransmissionTest() {
		this.paths.transport.addPeer(B);
	}

	@AfterEach
	void nothingLeaks() {
		this.paths.close();
		this.paths.assertNothingLeaked();
	}

	@Test
	void messagesQueuedForAPeerThatIsDownAreNotQueuedAgainHoweverManyRoundsPass() {
		this.paths.transport.holdWrites();
		sendAcknowledged(MESSAGES);

		rounds(ROUNDS);

		assertThat(copiesPerMessage()).as("the first copies still wait in the lane").containsOnlyKeys(1L, 2L, 3L);
		assertThat(copiesPerMessage().values()).containsOnly(1L);
		assertThat(this.paths.acks.retransmits()).isZero();

		this.paths.transport.releaseHeldWrites();
		acknowledgeFromB(1L, 2L, 3L);
		rounds(ROUNDS);

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(copiesPerMessage().values()).as("the peer took the copies that waited for it").containsOnly(1L);
	}

	@Test
	void messagesLostWithTheirPeerAreQueuedOnceMoreWhileItIsDownAndAcknowledgedOnceItIsBack() {
		// The first copies were written just before the peer crashed, and lost with it.
		sendAcknowledged(MESSAGES);
		this.paths.transport.holdWrites();

		for (int round = 1; round <= ROUNDS; round++) {
			rounds(1);
			assertThat(copiesPerMessage().values()).as("copies after round %d", round).containsOnly(2L);
			assertThat(this.paths.transport.heldWrites()).as("queued after round %d", round).isEqualTo(MESSAGES);
		}
		assertThat(this.paths.acks.retransmits()).isEqualTo(MESSAGES);

		this.paths.transport.releaseHeldWrites();
		acknowledgeFromB(1L, 2L, 3L);
		rounds(ROUNDS);

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.acks.acknowledged()).isEqualTo(MESSAGES);
		assertThat(copiesPerMessage().values()).as("nothing sent after the acknowledgements").containsOnly(2L);
	}

	@Test
	void aResendTheTransportRefusesIsSentAgainInTheNextRound() {
		sendAcknowledged(1);
		this.paths.transport.failNextSend(new QueueFullException("the lane is full"));

		rounds(1);
		assertThat(copiesPerMessage()).as("the refused copy never reached it").containsEntry(1L, 1L);

		rounds(1);
		assertThat(copiesPerMessage()).containsEntry(1L, 2L);
		assertThat(this.paths.acks.outstanding()).isEqualTo(1);
	}

	@Test
	void aResendDroppedOnTheWayOutIsSentAgainInTheNextRound() {
		sendAcknowledged(1);
		this.paths.interposition.interpose("lose-one", Direction.EGRESS, (event, payload) -> Verdict.DROP);

		rounds(1);
		this.paths.interposition.remove("lose-one");
		assertThat(copiesPerMessage()).containsEntry(1L, 1L);

		rounds(1);
		assertThat(copiesPerMessage()).containsEntry(1L, 2L);
	}

	/** Sends {@code count} acknowledged messages to {@code b}, with ids 1 to count. */
	private void sendAcknowledged(int count) {
		for (long id = 1; id <= count; id++) {
			this.paths.outbound.send(OutboundEnvelope.data(id, B, PipelineFixture.ACKED, "message " + id)
				.destination("inbox")
				.track(true));
		}
	}

	private void rounds(int count) {
		for (int round = 0; round < count; round++) {
			this.retransmission.run();
		}
	}

	/** How many DATA frames of each message the transport was asked to send. */
	private Map<Long, Long> copiesPerMessage() {
		List<Sent> data = this.paths.sent(FrameKind.DATA);
		return data.stream()
			.map((sent) -> sent.frame().messageId())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private void acknowledgeFromB(long... ids) {
		for (long id : ids) {
			this.paths.inbound
				.receive(this.paths.arriving(B, Frame.of(FrameKind.ACK, id, ChannelSpec.CONTROL, B.name())));
		}
	}

}
