package dev.partisan.demo.lasp.crdt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * One ad's state in a compact binary form: what every node sends to each neighbour every
 * round. The state is mostly a {@link GCounter} with one entry per client that ever
 * viewed the ad, a thousand and more in the scale experiment, so the form is shaped by
 * those entries:
 *
 * <pre>
 * u8 version (1) | varint ad length | ad (UTF-8) | varint threshold | u8 flags (bit 0: disabled)
 * | varint entries | varint ids length | ids | counts
 * ids:    per entry, varint shared prefix | varint rest length | rest (printable ASCII)
 * counts: per entry, varint count
 * </pre>
 *
 * <p>
 * Replica ids are in order, each written as the length of the prefix it shares with the
 * one before and the rest ("front coding"): {@code c00695#lq2x7kf9} after
 * {@code c00694#lq2x7kf8} is 5 and {@code 5#lq2x7kf9}. Replica ids are printable ASCII,
 * as node names are, so byte order is {@link String} order and the reader checks each
 * id's order with one comparison.
 *
 * <p>
 * The ids come as one block, before the counts, because they rarely change: once every
 * client has viewed an ad, every state of it names the same replicas and only counts
 * differ. So this class remembers, per ad, the last block of ids it read or wrote with
 * the array of ids it stands for. A state whose block is byte for byte that one is read
 * into that very array, without reading an id (and merging two such states recognises
 * their replicas by identity, see {@code SortedCounts}); a state over that very array is
 * written by copying the block. Only the counts are worked on, a varint each. Every id
 * read otherwise becomes one string per id, whichever state it comes in.
 *
 * <p>
 * The reader refuses anything it did not write — an unknown version, a truncated or
 * oversized field, ids out of order or not printable ASCII, a zero count, trailing bytes
 * — with an {@link IllegalArgumentException} that says which. What it remembers is
 * bounded: {@value #MAX_ADS_REMEMBERED} blocks (one per ad, each at most one payload) and
 * {@value #MAX_IDS_REMEMBERED} ids.
 */
public final class AdStateFormat {

	/** The version written first. */
	public static final int VERSION = 1;

	/** The longest ad id or replica id, in bytes. */
	public static final int MAX_ID_BYTES = 1024;

	static final int MAX_ADS_REMEMBERED = 256;

	static final int MAX_IDS_REMEMBERED = 65_536;

	private static final int DISABLED = 1;

	/** The smallest entry: shared prefix, rest length, one byte of rest, count. */
	private static final int MIN_ENTRY_BYTES = 4;

	private final ConcurrentMap<String, IdBlock> lastBlocks = new ConcurrentHashMap<>();

	private final IdTable allIds = new IdTable(MAX_IDS_REMEMBERED);

	/** What {@link #read} returns: the ad and its state. */
	public record Read(String ad, AdState state) {
	}

	/** A block of replica ids as written, and the ids it stands for. */
	private record IdBlock(String[] ids, byte[] bytes) {
	}

	/**
	 * Writes {@code ad}'s {@code state}.
	 * @throws IllegalArgumentException when an id is empty or too long, or a replica id
	 * is not printable ASCII
	 */
	public byte[] write(String ad, AdState state) {
		SortedCounts counts = (SortedCounts) state.views().counts();
		String[] ids = counts.replicas();
		long[] values = counts.counts();
		byte[] adBytes = ad.getBytes(StandardCharsets.UTF_8);
		if (adBytes.length == 0 || adBytes.length > MAX_ID_BYTES) {
			throw new IllegalArgumentException(
					"An ad id must be 1 to " + MAX_ID_BYTES + " bytes, not " + adBytes.length);
		}
		byte[] block = idBlock(ad, ids);
		Out out = new Out(40 + adBytes.length + block.length + ids.length * 2);
		out.u8(VERSION);
		out.varint(adBytes.length);
		out.bytes(adBytes);
		out.varint(state.threshold());
		out.u8(state.disabled() ? DISABLED : 0);
		out.varint(ids.length);
		out.varint(block.length);
		out.bytes(block);
		for (long value : values) {
			out.varint(value);
		}
		return out.toArray();
	}

	/** The block of {@code ids}: the one remembered for {@code ad} when it is theirs. */
	private byte[] idBlock(String ad, String[] ids) {
		IdBlock last = this.lastBlocks.get(ad);
		if (last != null && last.ids == ids) {
			return last.bytes;
		}
		Out out = new Out(16 + ids.length * 12);
		String previous = "";
		for (String id : ids) {
			int length = id.length();
			if (length == 0 || length > MAX_ID_BYTES) {
				throw new IllegalArgumentException(
						"A replica id must be 1 to " + MAX_ID_BYTES + " characters, not " + length);
			}
			int shared = 0;
			int most = Math.min(length, previous.length());
			while (shared < most && id.charAt(shared) == previous.charAt(shared)) {
				shared++;
			}
			out.varint(shared);
			out.varint(length - shared);
			out.ensure(length - shared);
			for (int c = shared; c < length; c++) {
				char ch = id.charAt(c);
				if (!printable(ch)) {
					throw new IllegalArgumentException("Replica id '" + id + "' is not printable ASCII");
				}
				out.buffer[out.size++] = (byte) ch;
			}
			previous = id;
		}
		byte[] block = out.toArray();
		remember(ad, new IdBlock(ids, block));
		return block;
	}

	private void remember(String ad, IdBlock block) {
		if (this.lastBlocks.size() < MAX_ADS_REMEMBERED || this.lastBlocks.containsKey(ad)) {
			this.lastBlocks.put(ad, block);
		}
	}

	/**
	 * Reads what {@link #write} wrote.
	 * @throws IllegalArgumentException when the bytes are not such a state, saying where
	 */
	public Read read(byte[] in, int offset, int length) {
		In reader = new In(in, offset, length);
		int version = reader.u8("version");
		if (version != VERSION) {
			throw new IllegalArgumentException(
					"Unknown ad state format version " + version + " (this node reads " + VERSION + ")");
		}
		int adLength = reader.length("ad id length", 1, MAX_ID_BYTES);
		reader.need(adLength, "ad id");
		String ad = new String(in, reader.position, adLength, StandardCharsets.UTF_8);
		reader.position += adLength;
		long threshold = reader.varint("threshold");
		if (threshold < 1) {
			throw new IllegalArgumentException("Threshold " + threshold + " of ad '" + ad + "' is below 1");
		}
		int flags = reader.u8("flags");
		if ((flags & ~DISABLED) != 0) {
			throw new IllegalArgumentException("Unknown flags " + flags + " in the state of ad '" + ad + "'");
		}
		long claimed = reader.varint("entry count");
		if (claimed < 0 || claimed > reader.remaining() / MIN_ENTRY_BYTES) {
			throw new IllegalArgumentException("The state of ad '" + ad + "' claims " + claimed
					+ " entries in its last " + reader.remaining() + " bytes");
		}
		int n = (int) claimed;
		long declared = reader.varint("ids length");
		if (declared < 0 || declared > reader.remaining()) {
			throw new IllegalArgumentException(
					"The ids of ad '" + ad + "' claim " + declared + " bytes, " + reader.remaining() + " are left");
		}
		int blockLength = (int) declared;
		String[] ids = readIds(ad, reader, n, blockLength);
		long[] counts = new long[n];
		for (int i = 0; i < n; i++) {
			long count = reader.varint("count");
			if (count < 1) {
				throw new IllegalArgumentException(
						"Count " + count + " of replica '" + ids[i] + "' of ad '" + ad + "' is below 1");
			}
			counts[i] = count;
		}
		if (reader.remaining() != 0) {
			throw new IllegalArgumentException(
					reader.remaining() + " bytes after the last count of the state of ad '" + ad + "'");
		}
		GCounter views = new GCounter(SortedCounts.ofChecked(ids, counts));
		return new Read(ad, new AdState(threshold, views, (flags & DISABLED) != 0));
	}

	/**
	 * The {@code n} ids of the block of {@code blockLength} bytes at the reader: the
	 * remembered array when the block is the remembered one, else each id read and
	 * checked.
	 */
	private String[] readIds(String ad, In reader, int n, int blockLength) {
		byte[] in = reader.bytes;
		int start = reader.position;
		int end = start + blockLength;
		IdBlock last = this.lastBlocks.get(ad);
		if (last != null && last.ids.length == n && Arrays.equals(last.bytes, 0, last.bytes.length, in, start, end)) {
			reader.position = end;
			return last.ids;
		}
		In block = new In(in, start, blockLength);
		String[] ids = new String[n];
		byte[] id = new byte[MAX_ID_BYTES];
		int previousLength = 0;
		for (int i = 0; i < n; i++) {
			int shared = block.length("shared prefix", 0, previousLength);
			int rest = block.length("rest length", 1, MAX_ID_BYTES - shared);
			block.need(rest, "replica id");
			if (shared < previousLength && (in[block.position] & 0xFF) <= (id[shared] & 0xFF)) {
				throw new IllegalArgumentException(
						"Replica ids of ad '" + ad + "' are not in strictly ascending order at entry " + i);
			}
			for (int c = 0; c < rest; c++) {
				byte b = in[block.position + c];
				if (!printable((char) b)) {
					throw new IllegalArgumentException(
							"Replica id at entry " + i + " of ad '" + ad + "' is not printable ASCII");
				}
				id[shared + c] = b;
			}
			block.position += rest;
			previousLength = shared + rest;
			ids[i] = this.allIds.canonical(id, previousLength);
		}
		if (block.remaining() != 0) {
			throw new IllegalArgumentException(
					"The ids of ad '" + ad + "' end " + block.remaining() + " bytes before their stated length");
		}
		reader.position = end;
		remember(ad, new IdBlock(ids, Arrays.copyOfRange(in, start, end)));
		return ids;
	}

	/**
	 * Every replica id read, each as one string: whichever state an id comes in, it is
	 * the same object, so merges compare ids by identity. Open addressing over an array
	 * of immutable entries, so readers on several threads need no lock (two of them
	 * adding the same id at once at worst make two strings for it, which is only slower).
	 * Once {@code max} ids are kept, new ones are read as new strings.
	 */
	private static final class IdTable {

		private final @Nullable KnownId[] slots;

		private final int shift;

		private final int max;

		private final AtomicInteger size = new AtomicInteger();

		IdTable(int max) {
			this.max = max;
			int capacity = Integer.highestOneBit(max) * 4;
			this.slots = new KnownId[capacity];
			this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
		}

		String canonical(byte[] id, int length) {
			int hash = 1;
			for (int i = 0; i < length; i++) {
				hash = 31 * hash + id[i];
			}
			int mask = this.slots.length - 1;
			// Fibonacci hashing: ids differing in their last character hash one apart,
			// and the multiplication scatters them over the table.
			for (int at = (hash * 0x9E3779B9) >>> this.shift;; at = (at + 1) & mask) {
				KnownId known = this.slots[at];
				if (known == null) {
					String fresh = new String(id, 0, length, StandardCharsets.ISO_8859_1);
					if (this.size.get() < this.max) {
						this.size.incrementAndGet();
						this.slots[at] = new KnownId(fresh, Arrays.copyOf(id, length), hash);
					}
					return fresh;
				}
				if (known.hash == hash && Arrays.equals(known.bytes, 0, known.bytes.length, id, 0, length)) {
					return known.id;
				}
			}
		}

	}

	/** One replica id as a string and as its bytes. */
	private record KnownId(String id, byte[] bytes, int hash) {
	}

	private static boolean printable(char ch) {
		return ch >= 0x21 && ch <= 0x7E;
	}

	/** A growing byte array. */
	private static final class Out {

		private byte[] buffer;

		private int size;

		Out(int capacity) {
			this.buffer = new byte[capacity];
		}

		void ensure(int more) {
			if (this.size + more > this.buffer.length) {
				this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.size + more));
			}
		}

		void u8(int value) {
			ensure(1);
			this.buffer[this.size++] = (byte) value;
		}

		void bytes(byte[] value) {
			ensure(value.length);
			System.arraycopy(value, 0, this.buffer, this.size, value.length);
			this.size += value.length;
		}

		/** Unsigned LEB128: seven bits a byte, the high bit set on all but the last. */
		void varint(long value) {
			ensure(10);
			long rest = value;
			while ((rest & ~0x7FL) != 0) {
				this.buffer[this.size++] = (byte) ((rest & 0x7F) | 0x80);
				rest >>>= 7;
			}
			this.buffer[this.size++] = (byte) rest;
		}

		byte[] toArray() {
			return Arrays.copyOf(this.buffer, this.size);
		}

	}

	/** A bounded reader that names the field it could not read. */
	private static final class In {

		private final byte[] bytes;

		private final int end;

		private int position;

		In(byte[] bytes, int offset, int length) {
			if (offset < 0 || length < 0 || offset + length > bytes.length) {
				throw new IllegalArgumentException("No such range: " + offset + "+" + length + " of " + bytes.length);
			}
			this.bytes = bytes;
			this.position = offset;
			this.end = offset + length;
		}

		int remaining() {
			return this.end - this.position;
		}

		void need(int count, String field) {
			if (count > remaining()) {
				throw new IllegalArgumentException(
						"Truncated ad state: " + field + " needs " + count + " bytes, " + remaining() + " left");
			}
		}

		int u8(String field) {
			need(1, field);
			return this.bytes[this.position++] & 0xFF;
		}

		long varint(String field) {
			long value = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				int b = u8(field);
				if (shift == 63 && (b & 0xFE) != 0) {
					break;
				}
				value |= (long) (b & 0x7F) << shift;
				if ((b & 0x80) == 0) {
					return value;
				}
			}
			throw new IllegalArgumentException("Malformed ad state: " + field + " is longer than a 64-bit varint");
		}

		int length(String field, int min, int max) {
			long value = varint(field);
			if (value < min || value > max) {
				throw new IllegalArgumentException(
						"Malformed ad state: " + field + " " + value + " is outside " + min + ".." + max);
			}
			return (int) value;
		}

	}

}
