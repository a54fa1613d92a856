package dev.partisan.pipeline;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.A;
import static dev.partisan.pipeline.PipelineFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Loopback alone: what it keeps for this node, and what it lets through. */
class LoopbackTest {

	private final PipelineFixture paths = new PipelineFixture();

	private final Loopback loopback = new Loopback(A, this.paths.dispatcher, this.paths.calls,
			PipelineFixture.MAX_FRAME_SIZE);

	@AfterEach
	void nothingLeaks() {
		this.paths.close();
		this.paths.assertNothingLeaked();
	}

	@Test
	void aMessageForAnotherNodeGoesOn() {
		OutboundEnvelope envelope = encoded(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "x"), "x");

		assertThat(this.loopback.apply(envelope)).isTrue();

		assertThat(envelope.payload()).isNotNull();
		envelope.release();
	}

	@Test
	void aFramedEnvelopeForThisNodeGoesOn() {
		// Nothing to hand a local handler: an acknowledgement or control frame to oneself
		// is the transport's.
		ByteBuf frame = FrameCodec.encode(this.paths.alloc, Frame.of(FrameKind.ACK, 1, "_control", "a"));
		OutboundEnvelope envelope = OutboundEnvelope.framed(FrameKind.ACK, 1, A, frame);

		assertThat(this.loopback.apply(envelope)).isTrue();

		envelope.release();
	}

	@Test
	void aLocalMessageOverTheFrameLimitIsRefusedAndItsPayloadReleased() {
		List<PipelineFixture.Got> got = this.paths.recordingHandler("inbox");
		ByteBuf payload = this.paths.text("x".repeat(PipelineFixture.MAX_FRAME_SIZE + 1));
		OutboundEnvelope envelope = OutboundEnvelope.data(1, A, ForwardOptions.DEFAULT_CHANNEL, "x")
			.destination("inbox");
		envelope.encoded(StringPayloadCodec.ID, "", payload);

		assertThatExceptionOfType(MessageTooLargeException.class).isThrownBy(() -> this.loopback.apply(envelope));

		assertThat(payload.refCnt()).isZero();
		assertThat(got).isEmpty();
	}

	@Test
	void aLocalCallKeepsItsCallFlagSoTheHandlersAnswerComesBack() throws Exception {
		this.paths.dispatcher.registerRequestHandler("echo", String.class, (payload, meta) -> payload + "!");
		CompletableFuture<Object> call = this.paths.calls.expect(9, A, "echo", String.class);

		this.paths.outbound.send(OutboundEnvelope.data(9, A, ForwardOptions.DEFAULT_CHANNEL, "hi")
			.destination("echo")
			.flag(FrameCodec.FLAG_CALL));

		assertThat(call.get(PipelineFixture.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hi!");
		assertThat(this.paths.transport.sent()).isEmpty();
	}

	private OutboundEnvelope encoded(OutboundEnvelope envelope, String text) {
		envelope.encoded(StringPayloadCodec.ID, "", this.paths.text(text));
		return envelope;
	}

}
