package dev.partisan.pipeline;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Framing alone: the frame around the payload, the size interposition sees, and the frame
 * limit.
 */
class FramingTest {

	private static final int LIMIT = 200;

	private final TrackingAllocator alloc = new TrackingAllocator();

	private final Framing framing = new Framing("a", LIMIT, this.alloc);

	@AfterEach
	void nothingLeaks() {
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void theFrameCarriesTheEnvelopesFlagsAddressAndCodecAndRemembersThePayloadSize() {
		OutboundEnvelope envelope = encoded(OutboundEnvelope.data(8, B, "rpc", "ignored")
			.destination("inbox")
			.senderIdentity("actor")
			.flag(FrameCodec.FLAG_CALL), "payload");

		assertThat(this.framing.apply(envelope)).isTrue();

		assertThat(envelope.payload()).as("the payload went into the frame").isNull();
		assertThat(envelope.payloadSize()).isEqualTo("payload".length());
		ByteBuf wire = envelope.takeFrame();
		Frame frame = FrameCodec
			.decode(wire.slice(FrameCodec.LENGTH_FIELD_SIZE, wire.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE));
		try {
			assertThat(frame).isEqualTo(new Frame(FrameKind.DATA, FrameCodec.FLAG_CALL, 8, "rpc", "a", "actor", "inbox",
					StringPayloadCodec.ID, "", frame.payload()));
			assertThat(PipelineFixture.utf8(frame.payload())).isEqualTo("payload");
		}
		finally {
			frame.release();
			wire.release();
		}
	}

	@Test
	void anEnvelopeThatIsFramedAlreadyIsLeftAsItIs() {
		ByteBuf frame = FrameCodec.encode(this.alloc, Frame.of(FrameKind.ACK, 1, "_control", "a"));
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.ACK, 1, B, frame);

		assertThat(this.framing.apply(envelope)).isTrue();

		assertThat(envelope.frame()).isSameAs(frame);
		envelope.release();
	}

	@Test
	void aDataFrameOverTheLimitIsRefusedAndLeftToThePathToRelease() {
		OutboundEnvelope envelope = encoded(
				OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "ignored").destination("inbox"),
				"x".repeat(LIMIT));

		assertThatExceptionOfType(MessageTooLargeException.class).isThrownBy(() -> this.framing.apply(envelope));

		assertThat(envelope.frame()).as("held by the envelope, which the path aborts").isNotNull();
		envelope.abort();
	}

	private OutboundEnvelope encoded(OutboundEnvelope envelope, String payload) {
		envelope.encoded(StringPayloadCodec.ID, "", ByteBufUtil.writeUtf8(this.alloc, payload));
		return envelope;
	}

}
