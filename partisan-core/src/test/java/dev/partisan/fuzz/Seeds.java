package dev.partisan.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.partisan.wire.BinaryPayloadCodec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.JacksonPayloadCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Valid messages, as their senders write them, for the fuzz tests to mutate. */
final class Seeds {

	private Seeds() {
	}

	/** The UTF-8 bytes of each text. */
	static List<byte[]> utf8(List<String> texts) {
		return texts.stream().map((text) -> text.getBytes(StandardCharsets.UTF_8)).toList();
	}

	/**
	 * One frame of each kind and each codec, with short, empty and multi-byte fields;
	 * with or without the length prefix.
	 */
	static List<byte[]> frames(boolean lengthPrefixed) {
		List<byte[]> seeds = new ArrayList<>();
		int i = 0;
		for (FrameKind kind : FrameKind.values()) {
			for (byte codec : new byte[] { BinaryPayloadCodec.ID, StringPayloadCodec.ID, JacksonPayloadCodec.ID }) {
				String text = (i % 2 == 0) ? "hello" : "héllo wörld ✓";
				Frame frame = new Frame(kind, (1 << (i % 7)) & 0x3f, i * 31L, (i % 3 == 0) ? "" : "default", "n" + i,
						(i % 2 == 0) ? "" : "actor-" + i, "kv.put", codec,
						(codec == JacksonPayloadCodec.ID) ? "java.lang.Integer" : "",
						Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
				ByteBuf wire = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
				if (!lengthPrefixed) {
					wire.skipBytes(FrameCodec.LENGTH_FIELD_SIZE);
				}
				seeds.add(ByteBufUtil.getBytes(wire));
				wire.release();
				i++;
			}
		}
		return seeds;
	}

}
