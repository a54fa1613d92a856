package dev.partisan.demo.lasp.scale;

import java.util.Map;
import java.util.WeakHashMap;

import dev.partisan.demo.lasp.core.AdUpdate;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.demo.lasp.sync.AdUpdateCodec;
import dev.partisan.demo.lasp.sync.StateSync;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * Turns a state update into the bytes a real node writes for it — a DATA frame on the
 * {@code crdt} channel to the {@code lasp-state} handler, its payload written by the
 * demo's own {@link AdUpdateCodec} — and back.
 *
 * <p>
 * Two caches keep the simulation affordable without changing a byte. A node sends the
 * same state object to each of its neighbours in a round, and keeps it until it changes,
 * so a frame is encoded once per (sender, state object) and reused; every receiver of one
 * frame gets the same array, so it is decoded once and the receivers share the
 * (immutable) result. Neither cache is consulted by value, only by identity, so a cache
 * hit is always the frame or state the real code would have produced.
 */
final class FrameCodecs {

	private final AdUpdateCodec codec = new AdUpdateCodec();

	/**
	 * Heap buffers only, even where {@link FrameCodec#encode} asks for direct ones (as it
	 * does for a socket): the frames end up as arrays, and an unpooled direct buffer per
	 * frame would be allocated and freed outside the heap for nothing.
	 */
	private final ByteBufAllocator alloc = new AbstractByteBufAllocator(false) {

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return newHeapBuffer(initialCapacity, maxCapacity);
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

	};

	/** Decoded frames, by array identity (arrays do not override equals). */
	private final Map<byte[], AdUpdate> decoded = new WeakHashMap<>();

	/** One sender's last frame per ad, reused while the state object is the same. */
	static final class SenderCache {

		private final Map<String, AdState> states = new java.util.HashMap<>();

		private final Map<String, byte[]> frames = new java.util.HashMap<>();

	}

	/**
	 * The frame {@code sender} writes for {@code update}: length prefix, header and
	 * payload, as {@link FrameCodec#encode} writes it. (Not counted: the 32-byte MAC a
	 * cluster secret appends to each frame, TCP/IP headers.)
	 */
	byte[] encode(String sender, AdUpdate update, SenderCache cache) {
		AdState last = cache.states.get(update.ad());
		byte[] frame = cache.frames.get(update.ad());
		if (last == update.state() && frame != null) {
			return frame;
		}
		ByteBuf payload = this.codec.encode(update, this.alloc);
		Frame out = Frame.of(FrameKind.DATA, 0, StateSync.CHANNEL, sender)
			.withAddress("", StateSync.STATE)
			.withCodec(AdUpdateCodec.ID, this.codec.typeName(update))
			.withPayload(payload);
		ByteBuf encoded = FrameCodec.encode(this.alloc, out);
		try {
			frame = ByteBufUtil.getBytes(encoded);
		}
		finally {
			encoded.release();
		}
		cache.states.put(update.ad(), update.state());
		cache.frames.put(update.ad(), frame);
		return frame;
	}

	/** Reads a frame written by {@link #encode} as the receiving node would. */
	AdUpdate decode(byte[] frame) {
		AdUpdate known = this.decoded.get(frame);
		if (known != null) {
			return known;
		}
		ByteBuf body = Unpooled.wrappedBuffer(frame, FrameCodec.LENGTH_FIELD_SIZE,
				frame.length - FrameCodec.LENGTH_FIELD_SIZE);
		Frame read = FrameCodec.decode(body);
		try {
			if (read.kind() != FrameKind.DATA || !StateSync.STATE.equals(read.destination())) {
				throw new IllegalStateException("Not a state frame: " + read.kind() + " to " + read.destination());
			}
			AdUpdate update = (AdUpdate) this.codec.decode(read.payloadType(), read.payload(), AdUpdate.class);
			this.decoded.put(frame, update);
			return update;
		}
		finally {
			read.release();
			body.release();
		}
	}

}
