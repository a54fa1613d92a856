package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;

/**
 * The optional trace section of a frame: the propagation fields of the message's trace
 * context (W3C {@code traceparent}, {@code tracestate}, {@code baggage}, or whatever the
 * application's propagator writes). A frame carries it only when
 * {@link FrameCodec#FLAG_TRACE} is set, right after the payload type:
 *
 * <pre>
 * u8  count            (1 to {@link #MAX_ENTRIES})
 * count times:
 *   u8  len, key       (printable ASCII, not empty)
 *   u16 len, value     (UTF-8)
 * </pre>
 *
 * A peer chooses what it sends, so the section is bounded: at most {@link #MAX_ENTRIES}
 * entries and {@link #MAX_BYTES} bytes in all. A sender leaves out a field that would not
 * fit (its trace is then cut short, its message still goes); a receiver refuses a section
 * that breaks a bound or does not parse with a {@link MalformedTraceException}, and drops
 * that frame alone.
 */
public final class TraceHeaders {

	/** The most entries a trace section holds. */
	public static final int MAX_ENTRIES = 16;

	/** The most bytes a trace section takes, count byte included. */
	public static final int MAX_BYTES = 1024;

	private TraceHeaders() {
	}

	/**
	 * Whether {@code key} and {@code value} may join {@code headers} without breaking a
	 * bound: what a sender asks before it adds a field.
	 */
	public static boolean fits(Map<String, String> headers, String key, String value) {
		if (!validKey(key)) {
			return false;
		}
		Map<String, String> after = new HashMap<>(headers);
		after.put(key, value);
		return after.size() <= MAX_ENTRIES && size(after) <= MAX_BYTES;
	}

	/** The bytes {@code headers} take on the wire. */
	static int size(Map<String, String> headers) {
		int size = 1;
		for (Map.Entry<String, String> entry : headers.entrySet()) {
			size += 1 + entry.getKey().length() + 2 + entry.getValue().getBytes(StandardCharsets.UTF_8).length;
		}
		return size;
	}

	/**
	 * Writes {@code headers} (not empty).
	 * @throws IllegalArgumentException when they break a bound
	 */
	static void write(ByteBuf out, Map<String, String> headers) {
		check(headers);
		out.writeByte(headers.size());
		for (Map.Entry<String, String> entry : headers.entrySet()) {
			byte[] key = entry.getKey().getBytes(StandardCharsets.US_ASCII);
			byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
			out.writeByte(key.length).writeBytes(key);
			out.writeShort(value.length).writeBytes(value);
		}
	}

	/** Checks {@code headers} against the bounds before anything is written. */
	static void check(Map<String, String> headers) {
		if (headers.size() > MAX_ENTRIES) {
			throw new IllegalArgumentException(
					"trace context of " + headers.size() + " fields is more than " + MAX_ENTRIES);
		}
		for (String key : headers.keySet()) {
			if (!validKey(key)) {
				throw new IllegalArgumentException("trace field name '" + key + "' is not printable ASCII of 1 to 255");
			}
		}
		int size = size(headers);
		if (size > MAX_BYTES) {
			throw new IllegalArgumentException("trace context of " + size + " bytes is more than " + MAX_BYTES);
		}
	}

	/**
	 * Reads a trace section from {@code body}, which must hold at least that much.
	 * @throws MalformedTraceException when it breaks a bound or does not parse
	 */
	static Map<String, String> read(ByteBuf body) {
		int start = body.readerIndex();
		if (!body.isReadable()) {
			throw new MalformedTraceException("the frame ends where its trace section should start");
		}
		int count = body.readUnsignedByte();
		if (count == 0 || count > MAX_ENTRIES) {
			throw new MalformedTraceException("trace section of " + count + " fields (1 to " + MAX_ENTRIES + ")");
		}
		Map<String, String> headers = new HashMap<>(count * 2);
		for (int i = 0; i < count; i++) {
			String key = field(body, start, 1, "name");
			String value = field(body, start, 2, "value");
			if (!validKey(key)) {
				throw new MalformedTraceException("trace field name is not printable ASCII");
			}
			if (headers.put(key, value) != null) {
				throw new MalformedTraceException("trace field '" + key + "' appears twice");
			}
		}
		return headers;
	}

	private static String field(ByteBuf body, int start, int lengthBytes, String what) {
		if (body.readableBytes() < lengthBytes) {
			throw new MalformedTraceException("trace section ends inside a field " + what);
		}
		int length = (lengthBytes == 1) ? body.readUnsignedByte() : body.readUnsignedShort();
		if (length > body.readableBytes() || body.readerIndex() + length - start > MAX_BYTES) {
			throw new MalformedTraceException("trace field " + what + " of " + length
					+ " bytes runs past the frame or the section's " + MAX_BYTES + " bytes");
		}
		String value = body.toString(body.readerIndex(), length, StandardCharsets.UTF_8);
		if (value.indexOf('\uFFFD') >= 0) {
			throw new MalformedTraceException("trace field " + what + " is not valid UTF-8");
		}
		body.skipBytes(length);
		return value;
	}

	private static boolean validKey(String key) {
		if (key.isEmpty() || key.length() > 255) {
			return false;
		}
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c <= ' ' || c > '~') {
				return false;
			}
		}
		return true;
	}

}
