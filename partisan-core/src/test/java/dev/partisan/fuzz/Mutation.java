package dev.partisan.fuzz;

import java.util.Arrays;

/**
 * One edit of a valid input. Positions are taken modulo the input's length when the edit
 * is applied, so an edit generated without knowing the input still lands inside it; a
 * shrunk failure then shows which edits were needed.
 *
 * @param kind what the edit does
 * @param at where, modulo the length
 * @param span how many bytes a span edit covers
 * @param value the bit, byte or boundary the edit writes
 */
record Mutation(Kind kind, int at, int span, int value) {

	/** Nothing a mutated input grows past: decoders are fed at most 64 KiB. */
	static final int MAX_SIZE = 64 * 1024;

	private static final int[] BOUNDARY_BYTES = { 0x00, 0x7f, 0x80, 0xff };

	private static final int[] BOUNDARY_SHORTS = { 0x0000, 0x7fff, 0x8000, 0xffff };

	/** Declared lengths a reader must not trust: negative, huge, just past the end. */
	private static final int[] HUGE_INTS = { 0x7fffffff, 0xffffffff, 0x80000000, 0x00010000, 0x00000000 };

	enum Kind {

		FLIP_BIT, BOUNDARY_BYTE, RANDOM_BYTE, BOUNDARY_U16, HUGE_U32, TRUNCATE, REMOVE_SPAN, DUPLICATE_SPAN,
		INSERT_BYTES

	}

	byte[] applyTo(byte[] input) {
		int length = input.length;
		if (length == 0 && this.kind != Kind.INSERT_BYTES) {
			return input;
		}
		int pos = (length == 0) ? 0 : Math.floorMod(this.at, length);
		int span = Math.min(this.span, length - pos);
		byte[] out;
		switch (this.kind) {
			case FLIP_BIT -> {
				out = input.clone();
				out[pos] ^= (byte) (1 << Math.floorMod(this.value, 8));
			}
			case BOUNDARY_BYTE -> {
				out = input.clone();
				out[pos] = (byte) BOUNDARY_BYTES[Math.floorMod(this.value, BOUNDARY_BYTES.length)];
			}
			case RANDOM_BYTE -> {
				out = input.clone();
				out[pos] = (byte) this.value;
			}
			case BOUNDARY_U16 -> out = write(input, pos, BOUNDARY_SHORTS[Math.floorMod(this.value, 4)], 2);
			case HUGE_U32 -> out = write(input, pos, HUGE_INTS[Math.floorMod(this.value, HUGE_INTS.length)], 4);
			case TRUNCATE -> out = Arrays.copyOf(input, pos);
			case REMOVE_SPAN -> {
				out = new byte[length - span];
				System.arraycopy(input, 0, out, 0, pos);
				System.arraycopy(input, pos + span, out, pos, length - pos - span);
			}
			case DUPLICATE_SPAN -> out = insert(input, pos, Arrays.copyOfRange(input, pos, pos + span));
			case INSERT_BYTES -> {
				byte[] filler = new byte[Math.min(this.span, 256)];
				Arrays.fill(filler, (byte) this.value);
				out = insert(input, pos, filler);
			}
			default -> throw new IllegalStateException("unknown mutation " + this.kind);
		}
		return (out.length > MAX_SIZE) ? Arrays.copyOf(out, MAX_SIZE) : out;
	}

	/**
	 * Writes {@code width} big-endian bytes of {@code value}, as far as the input goes.
	 */
	private static byte[] write(byte[] input, int pos, int value, int width) {
		byte[] out = input.clone();
		for (int i = 0; i < width && pos + i < out.length; i++) {
			out[pos + i] = (byte) (value >>> (8 * (width - 1 - i)));
		}
		return out;
	}

	private static byte[] insert(byte[] input, int pos, byte[] bytes) {
		byte[] out = new byte[input.length + bytes.length];
		System.arraycopy(input, 0, out, 0, pos);
		System.arraycopy(bytes, 0, out, pos, bytes.length);
		System.arraycopy(input, pos, out, pos + bytes.length, input.length - pos);
		return out;
	}

}
