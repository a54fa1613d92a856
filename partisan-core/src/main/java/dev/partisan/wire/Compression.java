package dev.partisan.wire;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Deflate for the payloads of channels configured with compression. Inflation stops at a
 * limit so a small frame cannot expand into an unbounded buffer. Both read their input in
 * place; the compressed or inflated output is new memory.
 */
public final class Compression {

	private Compression() {
	}

	/**
	 * Compresses {@code payload} (released) into a new buffer, reading it where it is (no
	 * copy of the input first).
	 */
	public static ByteBuf deflate(ByteBuf payload, ByteBufAllocator alloc) {
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		ByteBuf out = alloc.buffer(Math.max(64, payload.readableBytes() / 2));
		try {
			byte[] chunk = new byte[64 * 1024];
			for (ByteBuffer part : parts(payload)) {
				deflater.setInput(part);
				while (!deflater.needsInput()) {
					out.writeBytes(chunk, 0, deflater.deflate(chunk));
				}
			}
			deflater.finish();
			while (!deflater.finished()) {
				out.writeBytes(chunk, 0, deflater.deflate(chunk));
			}
			return out;
		}
		catch (RuntimeException ex) {
			out.release();
			throw ex;
		}
		finally {
			deflater.end();
			payload.release();
		}
	}

	/**
	 * Inflates {@code payload} (not released) into a new buffer of at most
	 * {@code maxSize} bytes, reading it where it is.
	 */
	public static ByteBuf inflate(ByteBuf payload, ByteBufAllocator alloc, int maxSize) {
		Inflater inflater = new Inflater();
		ByteBuf out = alloc.buffer(Math.min(maxSize, Math.max(256, payload.readableBytes() * 4)));
		try {
			byte[] chunk = new byte[64 * 1024];
			for (ByteBuffer part : parts(payload)) {
				inflater.setInput(part);
				while (!inflater.finished() && !inflater.needsInput()) {
					int n = inflater.inflate(chunk);
					if (n == 0 && inflater.needsDictionary()) {
						throw new CodecException("compressed payload needs a dictionary");
					}
					if (out.readableBytes() + n > maxSize) {
						throw new CodecException(
								"compressed payload inflates past the maximum frame size of " + maxSize + " bytes");
					}
					out.writeBytes(chunk, 0, n);
				}
				if (inflater.finished()) {
					break;
				}
			}
			if (!inflater.finished()) {
				throw new CodecException("compressed payload is truncated");
			}
			return out;
		}
		catch (DataFormatException ex) {
			out.release();
			throw new CodecException("compressed payload is corrupt: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			out.release();
			throw ex;
		}
		finally {
			inflater.end();
		}
	}

	/**
	 * The readable bytes of {@code buf} as NIO buffers over its own memory, or one copy
	 * when it cannot expose its memory that way.
	 */
	private static ByteBuffer[] parts(ByteBuf buf) {
		if (buf.nioBufferCount() > 0) {
			return buf.nioBuffers();
		}
		return new ByteBuffer[] { ByteBuffer.wrap(ByteBufUtil.getBytes(buf)) };
	}

}
