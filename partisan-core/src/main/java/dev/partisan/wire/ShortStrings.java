package dev.partisan.wire;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * UTF-8 strings of at most 65,535 bytes, written as {@code u16 length | bytes}, in
 * handshakes and headers.
 */
public final class ShortStrings {

	private ShortStrings() {
	}

	public static void write(ByteBuf out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > 65535) {
			throw new IllegalArgumentException("String of " + bytes.length + " bytes is longer than 65,535");
		}
		out.writeShort(bytes.length);
		out.writeBytes(bytes);
	}

	public static String read(ByteBuf in) {
		int length = in.readUnsignedShort();
		String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
		in.skipBytes(length);
		return value;
	}

}
