package dev.partisan.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.testing.InMemoryTransport.Sent;
import dev.partisan.testing.LogCapture;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.A;
import static dev.partisan.pipeline.PipelineFixture.B;
import static dev.partisan.pipeline.PipelineFixture.C;
import static dev.partisan.pipeline.PipelineFixture.awaitPayloads;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether node {@code a} believes the origin a relay claims: with a cluster secret the
 * origin's MAC decides, without one the connection it arrived on. A relay that is not
 * believed is neither delivered nor passed on. Every test ends with a message that is
 * believed, so that what was dropped has had its chance to arrive first (the handler
 * thread runs in order).
 */
class RelayOriginTest {

	static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

	static final NodeId D = NodeId.of("d");

	@Nested
	class WithAClusterSecret {

		private final PipelineFixture paths = new PipelineFixture(SECRET);

		private final List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		private final LogCapture log = new LogCapture(Relaying.class);

		WithAClusterSecret() {
			this.paths.transport.addPeer(B);
		}

		@AfterEach
		void nothingLeaks() {
			this.log.close();
			this.paths.close();
			this.paths.assertNothingLeaked();
		}

		@Test
		void aRelaySignedByItsOriginIsDeliveredAsFromTheOrigin() {
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "from c", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("from c");
			assertThat(this.got.get(0).meta().sender()).isEqualTo(C);
		}

		@Test
		void aRelayWhoseMacIsWrongIsDroppedWithAWarning() {
			Frame relay = this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "forged", 0));
			ByteBuf payload = relay.payload();
			int lastMacByte = payload.readerIndex() + RelayCodec.HEADER_SIZE + RelayCodec.MAC_SIZE - 1;
			payload.setByte(lastMacByte, payload.getByte(lastMacByte) ^ 1);

			receive(B, relay);
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
			assertThat(this.log.contains("its MAC is missing or wrong")).isTrue();
		}

		@Test
		void aRelayWithoutAMacIsDropped() {
			ByteBuf unsigned = RelayCodec.wrap(this.paths.alloc, PipelineFixture.INCARNATION,
					FrameCodec.encode(this.paths.alloc, this.paths.data(C, 1, "inbox", "unsigned", 0)));

			receive(B, relayFrame(C, A, unsigned));
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
		}

		@Test
		void aRelaySignedWithAnotherSecretIsDropped() {
			ByteBuf otherCluster = RelayCodec.wrap(this.paths.alloc, PipelineFixture.INCARNATION,
					FrameCodec.encode(this.paths.alloc, this.paths.data(C, 1, "inbox", "other cluster", 0)),
					"another".getBytes(StandardCharsets.UTF_8), A.name());

			receive(B, relayFrame(C, A, otherCluster));
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
		}

		@Test
		void aRelaySignedForAnotherNodeIsNotDeliveredHere() {
			// c signed it for d; sent on to a instead, it must not pass as c's message to
			// a.
			ByteBuf forD = RelayCodec.wrap(this.paths.alloc, PipelineFixture.INCARNATION,
					FrameCodec.encode(this.paths.alloc, this.paths.data(C, 1, "inbox", "for d", 0)), SECRET, D.name());

			receive(B, relayFrame(C, A, forD));
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
		}

		@Test
		void aRelayPassedOnKeepsItsOriginsMac() {
			this.paths.transport.addPeer(D);

			receive(B, this.paths.relay(D, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "for d", 0)));

			Sent passedOn = this.paths.transport.single();
			assertThat(passedOn.peer()).isEqualTo(D);
			assertThat(passedOn.frame().sender()).isEqualTo("c");
			assertThat(RelayCodec.signedFor(passedOn.payloadBuffer(), SECRET, D.name())).isTrue();
		}

		@Test
		void aMessageThisNodeRelaysIsSignedForItsTarget() {
			this.paths.relays.put(C, B);

			this.paths.outbound
				.send(OutboundEnvelope.data(9, C, ForwardOptions.DEFAULT_CHANNEL, "via b").destination("inbox"));

			Sent relay = this.paths.transport.single();
			assertThat(relay.kind()).isEqualTo(FrameKind.RELAY);
			assertThat(RelayCodec.signedFor(relay.payloadBuffer(), SECRET, C.name())).isTrue();
			assertThat(RelayCodec.signedFor(relay.payloadBuffer(), SECRET, D.name())).isFalse();
		}

		private void receive(NodeId from, Frame frame) {
			this.paths.inbound.receive(this.paths.arriving(from, frame));
		}

	}

	@Nested
	class WithoutAClusterSecret {

		private final PipelineFixture paths = new PipelineFixture();

		private final List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");

		private final LogCapture log = new LogCapture(Relaying.class);

		WithoutAClusterSecret() {
			this.paths.transport.addPeer(B);
		}

		@AfterEach
		void nothingLeaks() {
			this.log.close();
			this.paths.close();
			this.paths.assertNothingLeaked();
		}

		@Test
		void aRelayFromItsOriginIsDelivered() {
			receive(C, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "from c", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("from c");
			assertThat(this.got.get(0).meta().sender()).isEqualTo(C);
		}

		@Test
		void aRelayFromANodeThatDoesNotRelayForItsOriginIsDroppedWithAWarning() {
			// b claims to pass on a message from c, but the overlay does not trust b to.
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "as c", 0)));
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(B, 2, "inbox", "as b", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("as b");
			assertThat(this.log.contains("b is neither the origin nor a node that relays for it")).isTrue();
		}

		@Test
		void aRelayFromANodeTheOverlayTrustsToRelayIsDelivered() {
			this.paths.relayers.add(B);

			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "from c via b", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("from c via b");
			assertThat(this.got.get(0).meta().sender()).isEqualTo(C);
		}

		@Test
		void aRelayWhoseInnerSenderIsNotItsOriginIsDroppedEvenFromATrustedRelay() {
			this.paths.relayers.add(B);
			Frame relay = this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "as c", 0));
			Frame claimingD = Frame.of(FrameKind.RELAY, relay.messageId(), relay.channel(), D.name())
				.withAddress(relay.senderIdentity(), relay.destination())
				.withPayload(relay.payload());

			receive(B, claimingD);
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
		}

		@Test
		void aRelayForAnotherNodeIsNotPassedOnForAnOriginItsConnectionDoesNotSpeakFor() {
			// b (a client, say) asks a to pass on to d a message it says is c's.
			this.paths.transport.addPeer(D);

			receive(B, this.paths.relay(D, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "as c", 0)));
			receive(B, this.paths.relay(D, RelayCodec.TTL, this.paths.data(B, 2, "inbox", "as b", 0)));

			assertThat(this.paths.transport.single().frame().sender()).isEqualTo("b");
		}

		@Test
		void aRelayWhoseInnerSenderIsNotANodeNameIsDroppedWithoutKeepingItsBuffer() {
			// Found by fuzzing: the inner frame was read, then naming its origin threw.
			this.paths.relayers.add(B);
			ByteBuf inner = FrameCodec.encode(this.paths.alloc,
					new Frame(FrameKind.DATA, 0, 1, ForwardOptions.DEFAULT_CHANNEL, "not a node name!", "actor",
							"inbox", StringPayloadCodec.ID, "", this.paths.text("hello")));
			Frame relay = Frame.of(FrameKind.RELAY, 1, ForwardOptions.DEFAULT_CHANNEL, "not a node name!")
				.withAddress("actor", A.name())
				.withPayload(RelayCodec.wrap(this.paths.alloc, PipelineFixture.INCARNATION, inner));

			receive(B, relay);
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(B, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
		}

		@Test
		void aRelayInsideARelayIsDropped() {
			this.paths.relayers.add(B);
			Frame nested = this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 1, "inbox", "nested", 0));
			ByteBuf outer = RelayCodec.wrap(this.paths.alloc, PipelineFixture.INCARNATION,
					FrameCodec.encode(this.paths.alloc, nested));

			receive(B, relayFrame(C, A, outer));
			receive(B, this.paths.relay(A, RelayCodec.TTL, this.paths.data(C, 2, "inbox", "genuine", 0)));

			assertThat(awaitPayloads(this.got, 1)).containsExactly("genuine");
			assertThat(this.log.contains("it wraps another relay")).isTrue();
		}

		private void receive(NodeId from, Frame frame) {
			this.paths.inbound.receive(this.paths.arriving(from, frame));
		}

	}

	/** A RELAY frame from {@code origin} for {@code target} around {@code payload}. */
	static Frame relayFrame(NodeId origin, NodeId target, ByteBuf payload) {
		return Frame.of(FrameKind.RELAY, 1, ForwardOptions.DEFAULT_CHANNEL, origin.name())
			.withAddress("actor", target.name())
			.withPayload(payload);
	}

}
