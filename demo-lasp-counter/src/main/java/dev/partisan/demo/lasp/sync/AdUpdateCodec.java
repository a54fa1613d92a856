package dev.partisan.demo.lasp.sync;

import dev.partisan.api.CodecException;
import dev.partisan.demo.lasp.core.AdUpdate;
import dev.partisan.demo.lasp.crdt.AdStateFormat;
import dev.partisan.wire.PayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The payload codec of the state every node sends each round: an {@link AdUpdate} in
 * {@link AdStateFormat}'s compact binary form instead of JSON. A state is a counter entry
 * per client, so its size is what the overlays are compared on, and reading and writing
 * it is most of a node's work: as JSON an entry took about twenty bytes, here about ten,
 * and a state over replica ids the reader knows is read without reading an id. Registered
 * on every node of the demo (see {@code LaspConfiguration}); the frame carries the
 * codec's id, so a node without it refuses the state with a codec error rather than
 * misreading it. Other payloads (a stopping node's whole replica) stay JSON.
 */
public final class AdUpdateCodec implements PayloadCodec {

	/** The first id left to applications. */
	public static final byte ID = 16;

	private final AdStateFormat format = new AdStateFormat();

	@Override
	public byte id() {
		return ID;
	}

	@Override
	public boolean canEncode(Object payload) {
		return payload instanceof AdUpdate;
	}

	@Override
	public String typeName(Object payload) {
		return "";
	}

	@Override
	public ByteBuf encode(Object payload, ByteBufAllocator alloc) {
		AdUpdate update = (AdUpdate) payload;
		byte[] bytes;
		try {
			bytes = this.format.write(update.ad(), update.state());
		}
		catch (IllegalArgumentException ex) {
			throw new CodecException("Cannot write the state of ad '" + update.ad() + "': " + ex.getMessage(), ex);
		}
		// The array is this buffer's alone: wrapping it saves a copy.
		return Unpooled.wrappedBuffer(bytes);
	}

	@Override
	public Object decode(String typeName, ByteBuf bytes, Class<?> expected) {
		if (!expected.isAssignableFrom(AdUpdate.class)) {
			throw new CodecException("An ad state cannot be given to a handler of " + expected.getName());
		}
		if (!typeName.isEmpty()) {
			throw new CodecException("An ad state carries no type name, not '" + typeName + "'");
		}
		int length = bytes.readableBytes();
		byte[] array;
		int offset;
		if (bytes.hasArray()) {
			array = bytes.array();
			offset = bytes.arrayOffset() + bytes.readerIndex();
		}
		else {
			array = new byte[length];
			bytes.getBytes(bytes.readerIndex(), array);
			offset = 0;
		}
		try {
			AdStateFormat.Read read = this.format.read(array, offset, length);
			return new AdUpdate(read.ad(), read.state());
		}
		catch (IllegalArgumentException ex) {
			throw new CodecException("Malformed ad state: " + ex.getMessage(), ex);
		}
	}

}
