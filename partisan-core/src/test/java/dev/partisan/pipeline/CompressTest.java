package dev.partisan.pipeline;

import java.util.Map;

import dev.partisan.api.ForwardOptions;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compress alone: which payloads it deflates, from exactly the threshold up, on which
 * channels.
 */
class CompressTest {

	private static final int THRESHOLD = 100;

	private final TrackingAllocator alloc = new TrackingAllocator();

	private final Compress compress = new Compress(Map.of("zip", new ChannelSpec("zip", 1, true),
			ForwardOptions.DEFAULT_CHANNEL, new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, 1, false)), THRESHOLD,
			this.alloc);

	@AfterEach
	void nothingLeaks() {
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void aPayloadOfExactlyTheThresholdIsCompressedAndTheOriginalReleased() {
		ByteBuf original = text("z".repeat(THRESHOLD));
		OutboundEnvelope envelope = encoded(OutboundEnvelope.data(1, B, "zip", "ignored"), original);

		this.compress.apply(envelope);

		assertThat(envelope.hasFlag(FrameCodec.FLAG_COMPRESSED)).isTrue();
		assertThat(envelope.payload()).isNotSameAs(original);
		assertThat(original.refCnt()).isZero();
		envelope.release();
	}

	@Test
	void aChannelWithoutCompressionSendsLargePayloadsAsTheyAre() {
		OutboundEnvelope envelope = encoded(OutboundEnvelope.data(1, B, ForwardOptions.DEFAULT_CHANNEL, "ignored"),
				text("z".repeat(THRESHOLD * 2)));

		this.compress.apply(envelope);

		assertThat(envelope.hasFlag(FrameCodec.FLAG_COMPRESSED)).isFalse();
		envelope.release();
	}

	@Test
	void aChannelThisNodeDoesNotConfigureIsNotCompressed() {
		OutboundEnvelope envelope = encoded(OutboundEnvelope.data(1, B, "unknown", "ignored"),
				text("z".repeat(THRESHOLD * 2)));

		this.compress.apply(envelope);

		assertThat(envelope.hasFlag(FrameCodec.FLAG_COMPRESSED)).isFalse();
		envelope.release();
	}

	@Test
	void repliesAreNotCompressedEvenOnACompressingChannel() {
		OutboundEnvelope envelope = encoded(OutboundEnvelope.reply(1, B, "zip", "ignored"),
				text("z".repeat(THRESHOLD * 2)));

		this.compress.apply(envelope);

		assertThat(envelope.hasFlag(FrameCodec.FLAG_COMPRESSED)).isFalse();
		envelope.release();
	}

	private ByteBuf text(String value) {
		return ByteBufUtil.writeUtf8(this.alloc, value);
	}

	private static OutboundEnvelope encoded(OutboundEnvelope envelope, ByteBuf payload) {
		envelope.encoded(StringPayloadCodec.ID, "", payload);
		return envelope;
	}

}
