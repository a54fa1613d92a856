package dev.partisan.pipeline;

import java.util.Map;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static dev.partisan.pipeline.PipelineFixture.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Route alone: which envelopes it leaves as they are, and what a relayed one looks like
 * afterwards.
 */
class RouteTest {

	private final TrackingAllocator alloc = new TrackingAllocator();

	/** b is reached directly, c through b; nobody else. */
	private final Map<NodeId, NodeId> hops = Map.of(B, B, C, B);

	private final Route route = new Route(this.hops::get, "a", 3, null, this.alloc);

	@AfterEach
	void nothingLeaks() {
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void aFrameForANodeTheTransportReachesIsLeftAsItIs() {
		ByteBuf frame = dataFrame(1);
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.DATA, 1, B, frame);

		assertThat(this.route.apply(envelope)).isTrue();

		assertThat(envelope.frame()).isSameAs(frame);
		assertThat(envelope.kind()).isEqualTo(FrameKind.DATA);
		assertThat(envelope.relayed()).isFalse();
		envelope.release();
	}

	@Test
	void aRelayedEnvelopeGoesToTheHopKeepsItsTargetAndCountsTheRelayPayload() {
		ByteBuf frame = dataFrame(2);
		int innerSize = frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE;
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.DATA, 2, C, frame).payloadSize(5);

		this.route.apply(envelope);

		assertThat(envelope.kind()).isEqualTo(FrameKind.RELAY);
		assertThat(envelope.peer()).isEqualTo(B);
		assertThat(envelope.target()).isEqualTo(C);
		assertThat(envelope.relayed()).isTrue();
		assertThat(envelope.destination()).isEqualTo("c");
		assertThat(envelope.payloadSize()).as("interposition sees the relay payload")
			.isEqualTo(RelayCodec.HEADER_SIZE + innerSize);
		assertThat(frame.refCnt()).as("the original frame was copied into the relay").isZero();
		envelope.release();
	}

	@Test
	void aRelayBeingPassedOnIsNotRoutedAgain() {
		// Relaying addressed it to its next hop already; its target may be out of this
		// node's reach.
		NodeId far = NodeId.of("far");
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.RELAY, 3, far, dataFrame(3));

		assertThat(this.route.apply(envelope)).isTrue();

		assertThat(envelope.peer()).isEqualTo(far);
		envelope.release();
	}

	@Test
	void aFrameForANodeNobodyReachesIsRefused() {
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.DATA, 4, NodeId.of("far"), dataFrame(4));

		assertThatExceptionOfType(UnknownNodeException.class).isThrownBy(() -> this.route.apply(envelope));

		envelope.release();
	}

	private ByteBuf dataFrame(long id) {
		return FrameCodec.encode(this.alloc,
				Frame.of(FrameKind.DATA, id, ForwardOptions.DEFAULT_CHANNEL, "a")
					.withAddress("actor", "inbox")
					.withPayload(this.alloc.buffer().writeBytes(new byte[] { 1, 2, 3, 4, 5 })));
	}

}
