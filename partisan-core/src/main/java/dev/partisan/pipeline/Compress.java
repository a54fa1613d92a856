package dev.partisan.pipeline;

import java.util.Map;

import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Compression;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Deflates application payloads on channels configured with compression, from the
 * threshold up.
 */
public final class Compress implements OutboundStage {

	private final Map<String, ChannelSpec> channels;

	private final int threshold;

	private final ByteBufAllocator alloc;

	public Compress(Map<String, ChannelSpec> channels, int threshold, ByteBufAllocator alloc) {
		this.channels = channels;
		this.threshold = threshold;
		this.alloc = alloc;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		ByteBuf payload = envelope.payload();
		if (envelope.kind() != FrameKind.DATA || payload == null || payload.readableBytes() < this.threshold) {
			return true;
		}
		ChannelSpec spec = this.channels.get(envelope.channel());
		if (spec != null && spec.compression()) {
			envelope.payload(Compression.deflate(envelope.takePayload(), this.alloc));
			envelope.flag(FrameCodec.FLAG_COMPRESSED);
		}
		return true;
	}

}
