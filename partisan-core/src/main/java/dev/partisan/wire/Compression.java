package dev.partisan.wire;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Deflate for the payloads of channels configured with compression. Inflation stops at a
 * limit so a small frame cannot expand into an unbounded buffer.
 */
public final class Compression {

	private Compression() {
	}

	/** Compresses {@code payload} (released) into a new buffer. */
	public static ByteBuf deflate(ByteBuf payload, ByteBufAllocator alloc) {
		byte[] input = ByteBufUtil.getBytes(payload);
		payload.release();
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		try {
			deflater.setInput(input);
			deflater.finish();
			ByteBuf out = alloc.buffer(Math.max(64, input.length / 2));
			byte[] chunk = new byte[64 * 1024];
			while (!deflater.finished()) {
				int n = deflater.deflate(chunk);
				out.writeBytes(chunk, 0, n);
			}
			return out;
		}
		finally {
			deflater.end();
		}
	}

	/**
	 * Inflates {@code payload} (not released) into a new buffer of at most
	 * {@code maxSize} bytes.
	 */
	public static ByteBuf inflate(ByteBuf payload, ByteBufAllocator alloc, int maxSize) {
		Inflater inflater = new Inflater();
		ByteBuf out = alloc.buffer(Math.min(maxSize, Math.max(256, payload.readableBytes() * 4)));
		try {
			inflater.setInput(ByteBufUtil.getBytes(payload));
			byte[] chunk = new byte[64 * 1024];
			while (!inflater.finished()) {
				int n = inflater.inflate(chunk);
				if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
					throw new CodecException("compressed payload is truncated");
				}
				if (out.readableBytes() + n > maxSize) {
					throw new CodecException(
							"compressed payload inflates past the maximum frame size of " + maxSize + " bytes");
				}
				out.writeBytes(chunk, 0, n);
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

}
