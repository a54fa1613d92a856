package dev.partisan.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.RemoteHandlerException;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Verdict;
import dev.partisan.membership.ControlMessage;
import dev.partisan.testing.InMemoryTransport.Sent;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.A;
import static dev.partisan.pipeline.PipelineFixture.B;
import static dev.partisan.pipeline.PipelineFixture.C;
import static dev.partisan.pipeline.PipelineFixture.PATIENCE;
import static dev.partisan.pipeline.PipelineFixture.awaitPayloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbound path of node {@code a}: frames arrive as the transport's reader would hand
 * them over (encoded, then decoded), and what the path does shows at the handlers, the
 * pending calls, the tracker, the control loop and, for acknowledgements and relays
 * passed on, at the in-memory transport.
 */
class InboundPathTest {

	private static final long OTHER_INCARNATION = 99;

	private PipelineFixture paths = new PipelineFixture();

	InboundPathTest() {
		this.paths.transport.addPeer(B);
	}

	@AfterEach
	void nothingLeaks() {
		this.paths.close();
		this.paths.assertNothingLeaked();
	}

	@Test
	void aDataFrameReachesItsHandlerWithWhatTheFrameSays() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		receive(B, this.paths.data(B, 12, "inbox", "hello", 0));

		assertThat(awaitPayloads(got, 1)).containsExactly("hello");
		assertThat(got.get(0).meta()).isEqualTo(new PartisanMessage(B, ForwardOptions.DEFAULT_CHANNEL, "inbox", 12));
		assertThat(this.paths.transport.sent()).as("nothing to acknowledge").isEmpty();
	}

	@Test
	void anAcknowledgedMessageThatArrivesTwiceIsHandledOnceAndAcknowledgedEachTime() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		receive(B, this.paths.data(B, 3, "inbox", "once", FrameCodec.FLAG_ACK));
		// Acknowledged once handled; a copy that comes after that is acknowledged again.
		awaitPayloads(got, 1);
		await().atMost(PATIENCE).until(() -> this.paths.sent(FrameKind.ACK).size() == 1);
		receive(B, this.paths.data(B, 3, "inbox", "once", FrameCodec.FLAG_ACK));
		receive(B, this.paths.data(B, 4, "inbox", "next", FrameCodec.FLAG_ACK));

		// The next message is handled after the first, so the copy would have been
		// handled by then.
		assertThat(awaitPayloads(got, 2)).containsExactly("once", "next");
		await().atMost(PATIENCE).until(() -> this.paths.sent(FrameKind.ACK).size() == 3);
		List<Sent> acks = this.paths.sent(FrameKind.ACK);
		assertThat(acks).extracting((ack) -> ack.frame().messageId()).containsExactly(3L, 3L, 4L);
		assertThat(acks).extracting(Sent::peer).containsOnly(B);
		assertThat(acks).extracting(Sent::channel).containsOnly(ChannelSpec.CONTROL);
		assertThat(this.paths.dedup.duplicates()).isEqualTo(1);
	}

	@Test
	void aCopyThatArrivesWhileTheFirstStillWaitsForItsHandlerIsAcknowledgedOnlyOnceHandled() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<String> handled = Collections.synchronizedList(new ArrayList<>());
		this.paths.dispatcher.register("slow", String.class, (payload, meta) -> {
			release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			handled.add(payload);
		});

		receive(B, this.paths.data(B, 5, "slow", "first", FrameCodec.FLAG_ACK));
		receive(B, this.paths.data(B, 5, "slow", "first", FrameCodec.FLAG_ACK));

		assertThat(this.paths.sent(FrameKind.ACK)).as("nothing acknowledged before the handler ran").isEmpty();
		release.countDown();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.paths.sent(FrameKind.ACK)).extracting((ack) -> ack.frame().messageId())
				.containsExactly(5L));
		assertThat(handled).containsExactly("first");
	}

	@Test
	void theSameIdFromANewIncarnationOfTheSenderIsANewMessage() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		this.paths.inbound.receive(this.paths.arriving(B, PipelineFixture.INCARNATION,
				this.paths.data(B, 3, "inbox", "before restart", FrameCodec.FLAG_ACK)));
		this.paths.inbound.receive(this.paths.arriving(B, OTHER_INCARNATION,
				this.paths.data(B, 3, "inbox", "after restart", FrameCodec.FLAG_ACK)));

		assertThat(awaitPayloads(got, 2)).containsExactly("before restart", "after restart");
	}

	@Test
	void aMessageAFullMailboxRefusedIsNotAcknowledgedAndItsRetransmissionIsTakenAsNew() throws Exception {
		this.paths.close();
		this.paths = new PipelineFixture(1);
		this.paths.transport.addPeer(B);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> handled = Collections.synchronizedList(new ArrayList<>());
		this.paths.dispatcher.register("slow", String.class, (payload, meta) -> {
			handled.add(payload);
			started.countDown();
			release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		});
		receive(B, this.paths.data(B, 1, "slow", "busy", FrameCodec.FLAG_ACK));
		assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// The handler is busy with the first message; the second fills its mailbox of
		// one.
		receive(B, this.paths.data(B, 2, "slow", "queued", FrameCodec.FLAG_ACK));

		receive(B, this.paths.data(B, 3, "slow", "refused", FrameCodec.FLAG_ACK));

		// Acknowledged means handled: nothing is acknowledged while the handler is busy.
		assertThat(this.paths.sent(FrameKind.ACK)).isEmpty();
		release.countDown();
		await().atMost(PATIENCE).until(() -> handled.size() == 2);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.paths.sent(FrameKind.ACK)).extracting((ack) -> ack.frame().messageId())
				.containsExactly(1L, 2L));

		receive(B, this.paths.data(B, 3, "slow", "refused", FrameCodec.FLAG_ACK));

		await().atMost(PATIENCE).until(() -> handled.size() == 3);
		assertThat(handled).containsExactly("busy", "queued", "refused");
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.paths.sent(FrameKind.ACK)).extracting((ack) -> ack.frame().messageId())
				.containsExactly(1L, 2L, 3L));
		assertThat(this.paths.dedup.duplicates()).isZero();
	}

	@Test
	void causalMessagesThatArriveOutOfOrderAreHandledInCausalOrder() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		CausalOrder atB = new CausalOrder(B, 10);
		Frame first = causal(atB, 1, "first");
		Frame second = causal(atB, 2, "second");
		Frame third = causal(atB, 3, "third");

		receive(B, third);
		receive(B, second);
		assertThat(this.paths.causal.held()).isEqualTo(2);
		receive(B, first);

		assertThat(awaitPayloads(got, 3)).containsExactly("first", "second", "third");
		assertThat(this.paths.causal.held()).isZero();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.paths.sent(FrameKind.ACK))
				.as("acknowledged once handled, so in the order handled")
				.extracting((ack) -> ack.frame().messageId())
				.containsExactly(1L, 2L, 3L));
	}

	@Test
	void anAckFrameAcknowledgesTheTrackersOutstandingMessage() {
		this.paths.outbound.send(OutboundEnvelope.data(8, B, ForwardOptions.DEFAULT_CHANNEL, "tracked")
			.destination("inbox")
			.track(true));
		assertThat(this.paths.acks.outstanding()).isEqualTo(1);

		receive(B, Frame.of(FrameKind.ACK, 8, ChannelSpec.CONTROL, "b"));

		assertThat(this.paths.acks.outstanding()).isZero();
		assertThat(this.paths.acks.acknowledged()).isEqualTo(1);
	}

	@Test
	void aReplyCompletesTheMatchingCallOnlyWhenItComesFromTheCalledNode() throws Exception {
		CompletableFuture<Object> call = this.paths.calls.expect(50, B, "echo", String.class);

		receive(C, reply(C, 50, "from c"));
		receive(B, reply(B, 51, "another call"));
		receive(B, reply(B, 50, "from b"));

		// One worker decodes replies in order, so a wrong completion would have come
		// first.
		assertThat(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("from b");
	}

	@Test
	void anErrorReplyFailsTheCallWithTheRemoteMessage() {
		CompletableFuture<Object> call = this.paths.calls.expect(50, B, "echo", String.class);

		receive(B, reply(B, 50, "boom").withFlags(FrameCodec.FLAG_ERROR));

		assertThat(call).failsWithin(PATIENCE)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(RemoteHandlerException.class)
			.withMessageContaining("boom")
			.withMessageContaining("echo");
	}

	@Test
	void aRelayForThisNodeIsUnwrappedAndHandledAsFromItsOrigin() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		this.paths.relays.put(C, B);
		// b relays for c, as a server does for its clients.
		this.paths.relayers.add(B);

		receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 6, "inbox", "from c", FrameCodec.FLAG_ACK)));

		assertThat(awaitPayloads(got, 1)).containsExactly("from c");
		assertThat(got.get(0).meta().sender()).isEqualTo(C);
		// The acknowledgement goes back to the origin, through the member that reaches
		// it.
		Sent ack = this.paths.transport.single();
		assertThat(ack.peer()).isEqualTo(B);
		assertThat(ack.kind()).isEqualTo(FrameKind.RELAY);
		assertThat(ack.destination()).isEqualTo("c");
		Frame inner = RelayCodec.inner(ack.payloadBuffer());
		inner.release();
		assertThat(inner.kind()).isEqualTo(FrameKind.ACK);
		assertThat(inner.messageId()).isEqualTo(6);
	}

	@Test
	void aRelayedCopyOfAMessageIsDeduplicatedUnderItsOriginsIncarnation() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		this.paths.relays.put(C, B);
		this.paths.relayers.add(B);

		receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 6, "inbox", "from c", FrameCodec.FLAG_ACK)));
		receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 6, "inbox", "from c", FrameCodec.FLAG_ACK)));
		receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 7, "inbox", "next", FrameCodec.FLAG_ACK)));

		assertThat(awaitPayloads(got, 2)).containsExactly("from c", "next");
		assertThat(this.paths.dedup.duplicates()).isEqualTo(1);
	}

	@Test
	void aRelayForAnotherNodeIsPassedOnToItsNextHopWithOneHopFewer() {
		this.paths.transport.addPeer(C);

		receive(B, this.paths.relay(C, RelayCodec.TTL, this.paths.data(B, 6, "inbox", "for c", 0)));

		Sent passedOn = this.paths.transport.single();
		assertThat(passedOn.peer()).isEqualTo(C);
		assertThat(passedOn.kind()).isEqualTo(FrameKind.RELAY);
		assertThat(passedOn.frame().destination()).isEqualTo("c");
		assertThat(passedOn.frame().messageId()).isEqualTo(6);
		ByteBuf payload = passedOn.payloadBuffer();
		assertThat(RelayCodec.hopsLeft(payload)).isEqualTo(RelayCodec.TTL - 1);
		assertThat(RelayCodec.originIncarnation(payload)).isEqualTo(PipelineFixture.INCARNATION);
		Frame inner = RelayCodec.inner(payload);
		try {
			assertThat(inner.sender()).isEqualTo("b");
			assertThat(PipelineFixture.utf8(inner.payload())).isEqualTo("for c");
		}
		finally {
			inner.release();
		}
	}

	@Test
	void aRelayWithOneHopLeftIsDropped() {
		this.paths.transport.addPeer(C);

		receive(B, this.paths.relay(C, 1, this.paths.data(B, 6, "inbox", "for c", 0)));

		assertThat(this.paths.transport.sent()).isEmpty();
	}

	@Test
	void aRelayIsNeverSentBackToTheNodeItCameFrom() {
		// a reaches c only through b, which is where the relay came from.
		this.paths.relays.put(C, B);

		receive(B, this.paths.relay(C, RelayCodec.TTL, this.paths.data(B, 6, "inbox", "for c", 0)));

		assertThat(this.paths.transport.sent()).isEmpty();
	}

	@Test
	void aControlFrameIsDecodedAndHandedToTheControlLoop() {
		ControlFrames atB = new ControlFrames("b", this.paths.controlCodec, () -> 70, this.paths.alloc);

		this.paths.inbound.receive(this.paths.arriving(B, PipelineFixture.INCARNATION,
				atB.control(A, new PipelineFixture.Ping("hello a")).takeFrame()));

		assertThat(this.paths.controlLoop)
			.containsExactly(new PipelineFixture.ControlReceived(B, new PipelineFixture.Ping("hello a")));
	}

	@Test
	void aControlMessageOfAnUnregisteredTypeIsDroppedAndThePathKeepsWorking() {
		ControlCodec newerOverlay = new ControlCodec(Map.of("ping", PipelineFixture.Ping.class, "pong", Pong.class));
		ControlFrames atB = new ControlFrames("b", newerOverlay, () -> 70, this.paths.alloc);

		this.paths.inbound
			.receive(this.paths.arriving(B, PipelineFixture.INCARNATION, atB.control(A, new Pong(1)).takeFrame()));
		this.paths.inbound.receive(this.paths.arriving(B, PipelineFixture.INCARNATION,
				atB.control(A, new PipelineFixture.Ping("still here")).takeFrame()));

		assertThat(this.paths.controlLoop)
			.containsExactly(new PipelineFixture.ControlReceived(B, new PipelineFixture.Ping("still here")));
	}

	@Test
	void aHeartbeatNeedsNothingMoreThanArriving() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		receive(B, Frame.of(FrameKind.HEARTBEAT, 0, ChannelSpec.CONTROL, "b"));
		receive(B, this.paths.data(B, 1, "inbox", "after", 0));

		assertThat(awaitPayloads(got, 1)).containsExactly("after");
		assertThat(this.paths.controlLoop).isEmpty();
		assertThat(this.paths.transport.sent()).isEmpty();
	}

	@Test
	void ingressInterpositionCanDropAnArrivingMessage() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		this.paths.interposition.interpose("lossy", Direction.INGRESS,
				(event, payload) -> (event.messageId() == 1) ? Verdict.DROP : Verdict.PASS);

		receive(B, this.paths.data(B, 1, "inbox", "dropped", FrameCodec.FLAG_ACK));
		receive(B, this.paths.data(B, 2, "inbox", "kept", FrameCodec.FLAG_ACK));

		assertThat(awaitPayloads(got, 1)).containsExactly("kept");
		assertThat(this.paths.sent(FrameKind.ACK)).as("a dropped message was never received")
			.extracting((ack) -> ack.frame().messageId())
			.containsExactly(2L);
	}

	@Test
	void ingressInterpositionCanDelayAMessageWhichThenGoesThroughTheRestOfThePath() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		Duration delay = Duration.ofMillis(250);
		this.paths.interposition.interpose("slow", Direction.INGRESS,
				(event, payload) -> (event.messageId() == 1) ? Verdict.delay(delay) : Verdict.PASS);

		receive(B, this.paths.data(B, 1, "inbox", "delayed", FrameCodec.FLAG_ACK));
		receive(B, this.paths.data(B, 2, "inbox", "on time", FrameCodec.FLAG_ACK));
		assertThat(awaitPayloads(got, 1)).containsExactly("on time");
		assertThat(this.paths.delays.held()).singleElement()
			.satisfies((held) -> assertThat(held.delayNanos()).isEqualTo(delay.toNanos()));

		this.paths.delays.runHeld();

		assertThat(awaitPayloads(got, 2)).containsExactly("on time", "delayed");
		assertThat(this.paths.sent(FrameKind.ACK)).extracting((ack) -> ack.frame().messageId()).containsExactly(2L, 1L);
	}

	@Test
	void aHelloFrameAfterTheHandshakeIsDroppedAndThePathKeepsWorking() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		// A HELLO after the handshake has no place on the path.
		receive(B, Frame.of(FrameKind.HELLO, 0, ChannelSpec.CONTROL, "b").withPayload(this.paths.text("again")));
		receive(B, this.paths.data(B, 1, "inbox", "after", 0));

		assertThat(awaitPayloads(got, 1)).containsExactly("after");
	}

	/** {@code frame} arrives from {@code from} and goes through the inbound path. */
	private void receive(NodeId from, Frame frame) {
		this.paths.inbound.receive(this.paths.arriving(from, frame));
	}

	/** A control message the receiving overlay does not know (a newer version's, say). */
	record Pong(int round) implements ControlMessage {
	}

	/**
	 * Message {@code id} from b to a under label {@code l}, stamped by b's causal state.
	 */
	private Frame causal(CausalOrder sender, long id, String text) {
		ByteBuf payload = this.paths.alloc.buffer();
		sender.stamp("l", A, payload);
		ByteBufUtil.writeUtf8(payload, text);
		return this.paths.data(B, id, "inbox", payload, FrameCodec.FLAG_ACK | FrameCodec.FLAG_CAUSAL);
	}

	private Frame reply(NodeId from, long id, String text) {
		return Frame.of(FrameKind.REPLY, id, ForwardOptions.DEFAULT_CHANNEL, from.name())
			.withAddress("echo", "")
			.withCodec(StringPayloadCodec.ID, "")
			.withPayload(this.paths.text(text));
	}

}
