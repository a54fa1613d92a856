package dev.partisan.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.OutstandingLimitException;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.dispatch.Delivery;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Verdict;
import dev.partisan.testing.InMemoryTransport.Sent;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Compression;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.A;
import static dev.partisan.pipeline.PipelineFixture.B;
import static dev.partisan.pipeline.PipelineFixture.C;
import static dev.partisan.pipeline.PipelineFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The outbound path of node {@code a} as its users see it: what reaches the transport
 * (decoded, as the receiver would read it), what is kept for retransmission, what goes to
 * a local handler instead, and that every buffer the path allocates is released whichever
 * way a message goes.
 */
class OutboundPathTest {

	private final PipelineFixture paths = new PipelineFixture();

	OutboundPathTest() {
		this.paths.transport.addPeer(B);
	}

	@AfterEach
	void nothingLeaks() {
		this.paths.close();
		this.paths.assertNothingLeaked();
	}

	@Test
	void aDataMessageReachesTheTransportAsADataFrameWithItsAddressAndADecodablePayload() {
		this.paths.outbound.send(OutboundEnvelope.data(11, B, ForwardOptions.DEFAULT_CHANNEL, "hello")
			.destination("inbox")
			.partitionKey("key-1")
			.senderIdentity("actor-1"));

		Sent sent = this.paths.transport.single();
		assertThat(sent.peer()).isEqualTo(B);
		assertThat(sent.channel()).isEqualTo(ForwardOptions.DEFAULT_CHANNEL);
		assertThat(sent.partitionKey()).isEqualTo("key-1");
		assertThat(sent.senderIdentity()).isEqualTo("actor-1");
		assertThat(sent.destination()).isEqualTo("inbox");
		assertThat(sent.notBeforeNanos()).isZero();
		Frame frame = sent.frame();
		assertThat(frame.kind()).isEqualTo(FrameKind.DATA);
		assertThat(frame.messageId()).isEqualTo(11);
		assertThat(frame.flags()).isZero();
		assertThat(frame.channel()).isEqualTo(ForwardOptions.DEFAULT_CHANNEL);
		assertThat(frame.sender()).isEqualTo("a");
		assertThat(frame.senderIdentity()).isEqualTo("actor-1");
		assertThat(frame.destination()).isEqualTo("inbox");
		assertThat(this.paths.codecs.decode(frame.codecId(), frame.payloadType(), sent.payloadBuffer(), String.class))
			.isEqualTo("hello");
	}

	@Test
	void aPayloadFromTheThresholdUpIsCompressedOnAChannelWithCompression() {
		String large = "abcdefgh".repeat(200);

		this.paths.outbound.send(OutboundEnvelope.data(1, B, PipelineFixture.BULK, large).destination("inbox"));

		Sent sent = this.paths.transport.single();
		assertThat(sent.hasFlag(FrameCodec.FLAG_COMPRESSED)).isTrue();
		assertThat(sent.payload()).hasSizeLessThan(large.length());
		ByteBuf inflated = Compression.inflate(sent.payloadBuffer(), this.paths.alloc, PipelineFixture.MAX_FRAME_SIZE);
		try {
			assertThat(PipelineFixture.utf8(inflated)).isEqualTo(large);
		}
		finally {
			inflated.release();
		}
	}

	@Test
	void aPayloadBelowTheThresholdIsSentAsItIsEvenOnAChannelWithCompression() {
		String small = "a".repeat(PipelineFixture.COMPRESSION_THRESHOLD - 1);

		this.paths.outbound.send(OutboundEnvelope.data(1, B, PipelineFixture.BULK, small).destination("inbox"));

		Sent sent = this.paths.transport.single();
		assertThat(sent.hasFlag(FrameCodec.FLAG_COMPRESSED)).isFalse();
		assertThat(sent.text()).isEqualTo(small);
	}

	@Test
	void aMessageToTheLocalNodeGoesToItsHandlerWithoutReachingTheTransport() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		this.paths.outbound.send(OutboundEnvelope.data(5, A, ForwardOptions.DEFAULT_CHANNEL, "to myself")
			.destination("inbox")
			.track(true));

		assertThat(PipelineFixture.awaitPayloads(got, 1)).containsExactly("to myself");
		assertThat(got.get(0).meta()).isEqualTo(new PartisanMessage(A, ForwardOptions.DEFAULT_CHANNEL, "inbox", 5));
		assertThat(this.paths.transport.sent()).isEmpty();
		assertThat(this.paths.acks.outstanding()).as("nothing to retransmit to oneself").isZero();
	}

	@Test
	void aCompressedMessageToTheLocalNodeIsInflatedForItsHandler() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		String large = "xyz".repeat(300);

		this.paths.outbound.send(OutboundEnvelope.data(5, A, PipelineFixture.BULK, large).destination("inbox"));

		assertThat(PipelineFixture.awaitPayloads(got, 1)).containsExactly(large);
	}

	@Test
	void aCausalLabelSetsTheCausalFlagAndPutsTheCausalHeaderBeforeThePayload() {
		this.paths.outbound.send(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "first")
			.destination("inbox")
			.causalLabel("orders"));
		this.paths.outbound.send(OutboundEnvelope.data(2, B, ForwardOptions.DEFAULT_CHANNEL, "second")
			.destination("inbox")
			.causalLabel("orders"));

		List<Sent> sent = this.paths.transport.sent();
		assertThat(sent).hasSize(2).allMatch((frame) -> frame.hasFlag(FrameCodec.FLAG_CAUSAL));
		ByteBuf first = sent.get(0).payloadBuffer();
		CausalOrder.Header firstHeader = CausalOrder.readHeader(first);
		assertThat(firstHeader.label()).isEqualTo("orders");
		assertThat(firstHeader.stamp()).as("nothing was sent before it").isEmpty();
		assertThat(PipelineFixture.utf8(first)).isEqualTo("first");
		ByteBuf second = sent.get(1).payloadBuffer();
		CausalOrder.Header secondHeader = CausalOrder.readHeader(second);
		assertThat(secondHeader.stamp()).as("it follows the first").containsEntry("a>b", 1L);
		assertThat(PipelineFixture.utf8(second)).isEqualTo("second");
	}

	@Test
	void aCausalMessageToAnUnreachableNodeIsRefusedBeforeItIsCountedAsSent() {
		assertThatExceptionOfType(UnknownNodeException.class).isThrownBy(
				() -> this.paths.outbound.send(OutboundEnvelope.data(1, C, ForwardOptions.DEFAULT_CHANNEL, "lost")
					.destination("inbox")
					.causalLabel("orders")));
		this.paths.transport.addPeer(C);

		this.paths.outbound.send(OutboundEnvelope.data(2, C, ForwardOptions.DEFAULT_CHANNEL, "sent")
			.destination("inbox")
			.causalLabel("orders"));

		// Had the refused message been stamped, this one would wait at c for a message
		// that never comes.
		assertThat(CausalOrder.readHeader(this.paths.transport.single().payloadBuffer()).stamp()).isEmpty();
	}

	@Test
	void aMessageLargerThanTheFrameLimitIsRefusedAndNeitherTrackedNorSent() {
		String huge = "x".repeat(PipelineFixture.MAX_FRAME_SIZE + 1);

		assertThatExceptionOfType(MessageTooLargeException.class).isThrownBy(() -> this.paths.outbound
			.send(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, huge).destination("inbox").track(true)));

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.transport.sent()).isEmpty();
		assertThat(this.paths.alloc.unreleased()).isEmpty();
	}

	@Test
	void anAcknowledgedMessageIsKeptByTheTrackerAndCarriesTheAcknowledgeFlag() {
		this.paths.outbound.send(OutboundEnvelope.data(3, B, ForwardOptions.DEFAULT_CHANNEL, "keep me")
			.destination("inbox")
			.track(true));

		assertThat(this.paths.transport.single().hasFlag(FrameCodec.FLAG_ACK)).isTrue();
		assertThat(this.paths.acks.outstanding()).isEqualTo(1);
		assertThat(this.paths.alloc.unreleased()).as("the tracker's copy of the frame").hasSize(1);

		this.paths.acks.acknowledge(B, 3);

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.alloc.unreleased()).isEmpty();
	}

	@Test
	void anOverdueMessageIsSentAgainAsTheSameFrameAndStaysTrackedOnce() {
		this.paths.outbound.send(OutboundEnvelope.data(3, B, PipelineFixture.ACKED, "again")
			.destination("inbox")
			.partitionKey("k")
			.track(true));

		new Retransmission(this.paths.acks, this.paths.outbound, Duration.ZERO).run();

		List<Sent> sent = this.paths.transport.sent();
		assertThat(sent).hasSize(2);
		assertThat(sent.get(1).frame()).isEqualTo(sent.get(0).frame());
		assertThat(sent.get(1).payload()).isEqualTo(sent.get(0).payload());
		assertThat(sent.get(1).channel()).isEqualTo(PipelineFixture.ACKED);
		assertThat(sent.get(1).partitionKey()).isEqualTo("k");
		assertThat(this.paths.acks.outstanding()).isEqualTo(1);
		assertThat(this.paths.acks.retransmits()).isEqualTo(1);
	}

	@Test
	void anAcknowledgedMessageTheTransportRefusesIsNoLongerTracked() {
		this.paths.transport.failNextSend(new OutstandingLimitException(B, 1));

		assertThatExceptionOfType(OutstandingLimitException.class).isThrownBy(() -> this.paths.outbound
			.send(OutboundEnvelope.data(3, B, ForwardOptions.DEFAULT_CHANNEL, "x").destination("inbox").track(true)));

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.alloc.unreleased()).isEmpty();
	}

	@Test
	void aMessageForANodeReachedThroughAHopIsWrappedInARelayFrameForTheHop() {
		this.paths.relays.put(C, B);

		this.paths.outbound.send(OutboundEnvelope.data(9, C, ForwardOptions.DEFAULT_CHANNEL, "via b")
			.destination("inbox")
			.senderIdentity("actor-1")
			.track(true));

		Sent relay = this.paths.transport.single();
		assertThat(relay.peer()).isEqualTo(B);
		assertThat(relay.kind()).isEqualTo(FrameKind.RELAY);
		assertThat(relay.destination()).isEqualTo("c");
		assertThat(relay.frame().destination()).isEqualTo("c");
		assertThat(relay.frame().sender()).isEqualTo("a");
		assertThat(relay.frame().messageId()).isEqualTo(9);
		ByteBuf payload = relay.payloadBuffer();
		assertThat(RelayCodec.hopsLeft(payload)).isEqualTo(RelayCodec.TTL);
		assertThat(RelayCodec.originIncarnation(payload)).isEqualTo(PipelineFixture.INCARNATION);
		Frame inner = RelayCodec.inner(payload);
		try {
			assertThat(inner.kind()).isEqualTo(FrameKind.DATA);
			assertThat(inner.messageId()).isEqualTo(9);
			assertThat(inner.sender()).isEqualTo("a");
			assertThat(inner.senderIdentity()).isEqualTo("actor-1");
			assertThat(inner.destination()).isEqualTo("inbox");
			assertThat(inner.flags() & FrameCodec.FLAG_ACK).isNotZero();
			assertThat(PipelineFixture.utf8(inner.payload())).isEqualTo("via b");
		}
		finally {
			inner.release();
		}
		assertThat(this.paths.acks.outstanding()).as("tracked for c, not for the hop").isEqualTo(1);
		this.paths.acks.acknowledge(C, 9);
		assertThat(this.paths.acks.outstanding()).isZero();
	}

	@Test
	void aMessageForANodeThatCannotBeReachedIsRefusedWithUnknownNode() {
		assertThatExceptionOfType(UnknownNodeException.class).isThrownBy(() -> this.paths.outbound.send(
				OutboundEnvelope.data(1, C, ForwardOptions.DEFAULT_CHANNEL, "lost").destination("inbox").track(true)));

		assertThat(this.paths.transport.sent()).isEmpty();
		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.alloc.unreleased()).isEmpty();
	}

	@Test
	void aFrameDroppedByEgressInterpositionIsNotSentAndItsWrittenFutureCompletes() {
		this.paths.interposition.interpose("lossy", Direction.EGRESS, (event, payload) -> Verdict.DROP);
		CompletableFuture<Void> written = new CompletableFuture<>();

		this.paths.outbound.send(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "dropped")
			.destination("inbox")
			.written(written));

		assertThat(written).isCompleted();
		assertThat(this.paths.transport.sent()).isEmpty();
	}

	@Test
	void egressInterpositionSeesTheEncodedPayloadAndTheFramesAddress() {
		List<String> seen = new ArrayList<>();
		this.paths.interposition.interpose("spy", Direction.EGRESS, (event, payload) -> {
			seen.add(event.kind() + " " + event.peer() + " " + event.destination() + " " + event.messageId() + " "
					+ PipelineFixture.utf8(payload));
			return Verdict.PASS;
		});

		this.paths.outbound
			.send(OutboundEnvelope.data(4, B, ForwardOptions.DEFAULT_CHANNEL, "look").destination("inbox"));

		assertThat(seen).containsExactly("DATA b inbox 4 look");
		assertThat(this.paths.transport.single().text()).isEqualTo("look");
	}

	@Test
	void aFrameDelayedByEgressInterpositionIsHandedOnWithItsNotBeforeTime() {
		Duration delay = Duration.ofSeconds(30);
		this.paths.interposition.interpose("slow", Direction.EGRESS, (event, payload) -> Verdict.delay(delay));
		CompletableFuture<Void> written = new CompletableFuture<>();

		long before = System.nanoTime();
		this.paths.outbound.send(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "later")
			.destination("inbox")
			.written(written));
		long after = System.nanoTime();

		long notBefore = this.paths.transport.single().notBeforeNanos();
		assertThat(notBefore - before).isGreaterThanOrEqualTo(delay.toNanos());
		assertThat(notBefore - after).isLessThanOrEqualTo(delay.toNanos());
		assertThat(written).as("the in-memory transport writes it at once").isCompleted();
	}

	@Test
	void aReplyGoesToTheCallerAsAReplyFrameUnderTheCallsId() {
		this.paths.outbound.send(OutboundEnvelope.reply(21, B, "rpc", "answer").senderIdentity("echo"));

		Sent sent = this.paths.transport.single();
		assertThat(sent.peer()).isEqualTo(B);
		assertThat(sent.kind()).isEqualTo(FrameKind.REPLY);
		assertThat(sent.frame().messageId()).isEqualTo(21);
		assertThat(sent.frame().channel()).isEqualTo("rpc");
		assertThat(sent.frame().codecId()).isEqualTo(StringPayloadCodec.ID);
		assertThat(sent.text()).isEqualTo("answer");
	}

	@Test
	void aHandlersAnswerLeavesThroughRepliesWithTheFlagsThatSayWhatItIs() {
		Delivery call = new Delivery(new PartisanMessage(B, "rpc", "echo", 30), StringPayloadCodec.ID, "", false,
				Unpooled.EMPTY_BUFFER, true);

		this.paths.replies.reply(call, "value", null);
		this.paths.replies.reply(call, null, null);
		this.paths.replies.reply(call, null, "it failed");

		List<Sent> sent = this.paths.sent(FrameKind.REPLY);
		assertThat(sent).extracting((reply) -> reply.frame().flags())
			.containsExactly(0, FrameCodec.FLAG_NULL_REPLY, FrameCodec.FLAG_ERROR);
		assertThat(sent).extracting(Sent::text).containsExactly("value", "", "it failed");
		assertThat(sent).extracting((reply) -> reply.frame().senderIdentity()).containsOnly("echo");
	}

	@Test
	void aReplyToThisNodeCompletesItsPendingCallWithoutReachingTheTransport() throws Exception {
		CompletableFuture<Object> call = this.paths.calls.expect(40, A, "echo", String.class);

		this.paths.outbound.send(OutboundEnvelope.reply(40, A, ForwardOptions.DEFAULT_CHANNEL, "from myself"));

		assertThat(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("from myself");
		assertThat(this.paths.transport.sent()).isEmpty();
	}

	@Test
	void controlFramesTakeTheSamePathAndAreSentOnTheControlChannel() {
		this.paths.outbound.send(this.paths.frames.control(B, new PipelineFixture.Ping("hi")));

		Sent sent = this.paths.transport.single();
		assertThat(sent.kind()).isEqualTo(FrameKind.CONTROL);
		assertThat(sent.channel()).isEqualTo(ChannelSpec.CONTROL);
		assertThat(sent.destination()).isEqualTo("ping");
	}

}
