package dev.partisan.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.partisan.api.NodeId;
import dev.partisan.wire.ShortStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Causal delivery between three nodes, each with its own {@link CausalOrder}. The network
 * is the test: it carries the headers and decides in which order they arrive, so every
 * reordering is chosen on purpose.
 */
class CausalOrderTest {

	private static final NodeId A = NodeId.of("a");

	private static final NodeId B = NodeId.of("b");

	private static final NodeId C = NodeId.of("c");

	private final CausalOrder a = new CausalOrder(A, 10);

	private final CausalOrder b = new CausalOrder(B, 10);

	private final CausalOrder c = new CausalOrder(C, 10);

	/** What each receiver delivered, in order, by message name. */
	private final List<String> delivered = new ArrayList<>();

	@Test
	void aMessageWithNoPredecessorsIsDeliveredAtOnce() {
		CausalOrder.Header m1 = send(this.a, "x", B);

		assertThat(offer(this.b, A, m1, "m1")).isTrue();

		assertThat(this.delivered).containsExactly("m1");
		assertThat(this.b.held()).isZero();
	}

	@Test
	void aMessageOvertakingAnEarlierOneFromTheSameSenderWaitsForIt() {
		CausalOrder.Header m1 = send(this.a, "x", B);
		CausalOrder.Header m2 = send(this.a, "x", B);

		assertThat(offer(this.b, A, m2, "m2")).isTrue();
		assertThat(this.delivered).isEmpty();
		assertThat(this.b.held()).isEqualTo(1);

		offer(this.b, A, m1, "m1");

		assertThat(this.delivered).containsExactly("m1", "m2");
		assertThat(this.b.held()).isZero();
	}

	@Test
	void aMessageCausedByAnotherNodesDeliveryWaitsForWhatCausedIt() {
		// a tells c, then tells b; b, having heard, tells c. c must not hear b before a's
		// first message.
		CausalOrder.Header toC = send(this.a, "x", C);
		CausalOrder.Header toB = send(this.a, "x", B);
		offer(this.b, A, toB, "a->b");
		CausalOrder.Header fromB = send(this.b, "x", C);

		offer(this.c, B, fromB, "b->c");
		assertThat(this.delivered).containsExactly("a->b");
		assertThat(this.c.held()).isEqualTo(1);

		offer(this.c, A, toC, "a->c");

		assertThat(this.delivered).containsExactly("a->b", "a->c", "b->c");
	}

	@Test
	void aMessageTheSenderSentElsewhereIsNotWaitedFor() {
		// The reason for matrix clocks: c never receives a's message to b, and must not
		// wait for it.
		send(this.a, "x", B);
		CausalOrder.Header toC = send(this.a, "x", C);

		offer(this.c, A, toC, "a->c");

		assertThat(this.delivered).containsExactly("a->c");
	}

	@Test
	void heldMessagesAreReleasedInCausalOrderWhateverTheirArrivalOrder() {
		List<CausalOrder.Header> sent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sent.add(send(this.a, "x", B));
		}

		for (int i = 4; i >= 0; i--) {
			offer(this.b, A, sent.get(i), "m" + i);
		}

		assertThat(this.delivered).containsExactly("m0", "m1", "m2", "m3", "m4");
	}

	@Test
	void labelsAreOrderedIndependently() {
		CausalOrder.Header onX = send(this.a, "x", B);
		CausalOrder.Header onY = send(this.a, "y", B);

		offer(this.b, A, onY, "y1");

		assertThat(this.delivered).as("nothing on label y came before it").containsExactly("y1");
		offer(this.b, A, onX, "x1");
		assertThat(this.delivered).containsExactly("y1", "x1");
	}

	@Test
	void pastTheBoundAMessageIsRefusedAndMayBeOfferedAgainLater() {
		CausalOrder small = new CausalOrder(B, 2);
		List<CausalOrder.Header> sent = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			sent.add(send(this.a, "x", B));
		}
		offer(small, A, sent.get(1), "m1");
		offer(small, A, sent.get(2), "m2");

		assertThat(offer(small, A, sent.get(3), "m3")).isFalse();
		assertThat(small.held()).isEqualTo(2);

		assertThat(offer(small, A, sent.get(0), "m0")).as("a deliverable message needs no room").isTrue();
		assertThat(this.delivered).containsExactly("m0", "m1", "m2");
		// The refused one is retransmitted by the sender's acknowledgement and now fits.
		assertThat(offer(small, A, sent.get(3), "m3")).isTrue();
		assertThat(this.delivered).containsExactly("m0", "m1", "m2", "m3");
	}

	@Test
	void theBoundIsPerLabel() {
		CausalOrder small = new CausalOrder(B, 1);
		send(this.a, "x", B);
		CausalOrder.Header secondOnX = send(this.a, "x", B);
		send(this.a, "y", B);
		CausalOrder.Header secondOnY = send(this.a, "y", B);

		assertThat(offer(small, A, secondOnX, "x2")).isTrue();
		assertThat(offer(small, A, secondOnY, "y2")).isTrue();
		assertThat(small.held()).isEqualTo(2);
	}

	@Test
	void theHeaderCarriesTheLabelAndWhatTheSenderKnewAndIsFollowedByThePayload() {
		send(this.a, "x", B);
		send(this.a, "x", C);
		ByteBuf out = Unpooled.buffer();
		try {
			this.a.stamp("x", B, out);
			out.writeInt(42);

			CausalOrder.Header header = CausalOrder.readHeader(out);

			assertThat(header.label()).isEqualTo("x");
			assertThat(header.stamp()).isEqualTo(Map.of("a>b", 1L, "a>c", 1L));
			assertThat(out.readInt()).as("the payload right after the header").isEqualTo(42);
		}
		finally {
			out.release();
		}
	}

	@Test
	void aTruncatedHeaderIsRefusedWhenRead() {
		send(this.a, "x", B);
		ByteBuf out = Unpooled.buffer();
		try {
			this.a.stamp("x", B, out);
			ByteBuf truncated = out.slice(0, out.readableBytes() - 3);

			assertThatExceptionOfType(IndexOutOfBoundsException.class)
				.isThrownBy(() -> CausalOrder.readHeader(truncated));
		}
		finally {
			out.release();
		}
	}

	@Test
	void aStampWhoseEntriesAreNotEdgesBetweenNodesIsRefusedWhenRead() {
		// Regression: such entries passed readHeader and then threw from offer (or spread
		// to other nodes'
		// stamps), past the node's handling of malformed headers.
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read("x", "b", 1));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read("x", "a>", 1));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read("x", ">b", 1));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read("x", "a b>c", 1));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read("x", "a>b", -1));
		assertThat(read("x", "a>b", 1).stamp()).isEqualTo(Map.of("a>b", 1L));
	}

	/** Reads a hand-made header of one stamp entry. */
	private static CausalOrder.Header read(String label, String edge, long count) {
		ByteBuf out = Unpooled.buffer();
		try {
			ShortStrings.write(out, label);
			out.writeShort(1);
			ShortStrings.write(out, edge);
			out.writeLong(count);
			return CausalOrder.readHeader(out);
		}
		finally {
			out.release();
		}
	}

	/**
	 * Stamps a message from {@code from} to {@code to} and reads its header back, as the
	 * receiver will.
	 */
	private static CausalOrder.Header send(CausalOrder from, String label, NodeId to) {
		ByteBuf out = Unpooled.buffer();
		try {
			from.stamp(label, to, out);
			return CausalOrder.readHeader(out);
		}
		finally {
			out.release();
		}
	}

	private boolean offer(CausalOrder receiver, NodeId sender, CausalOrder.Header header, String name) {
		return receiver.offer(sender, header, () -> this.delivered.add(name));
	}

}
