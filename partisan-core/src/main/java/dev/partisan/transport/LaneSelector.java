package dev.partisan.transport;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Picks the lane of a channel for a message. With a partition key: a mixed hash of the
 * key, so every message for one key takes one lane. Else, with affinity: a mixed hash of
 * (sender identity, destination), so one sender's messages to one handler stay FIFO on
 * one lane while different senders spread out. Else round robin, which spreads load but
 * promises no order.
 *
 * <p>
 * The hash is of the logical key only, never of a transport artefact, and is finished
 * with a 64-bit avalanche so keys that differ in a few bits (0, 1, 2, ...) still land on
 * different lanes.
 */
public final class LaneSelector {

	private LaneSelector() {
	}

	public static int select(int lanes, @Nullable Object partitionKey, String senderIdentity, String destination,
			boolean affinity, long roundRobin) {
		if (lanes == 1) {
			return 0;
		}
		if (partitionKey != null) {
			return floorMod(hashKey(partitionKey), lanes);
		}
		if (affinity) {
			return floorMod(mix(hashString(senderIdentity) * 31 + hashString(destination)), lanes);
		}
		return (int) Long.remainderUnsigned(roundRobin, lanes);
	}

	static long hashKey(Object key) {
		if (key instanceof CharSequence text) {
			return mix(hashString(text.toString()));
		}
		if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
			return mix(((Number) key).longValue());
		}
		if (key instanceof byte[] bytes) {
			return mix(fnv1a(bytes));
		}
		return mix(key.hashCode());
	}

	private static long hashString(String value) {
		return fnv1a(value.getBytes(StandardCharsets.UTF_8));
	}

	private static long fnv1a(byte[] bytes) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : bytes) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		return hash;
	}

	/**
	 * The finalizer of MurmurHash3 (fmix64): every input bit affects every output bit.
	 */
	static long mix(long value) {
		long h = value;
		h ^= h >>> 33;
		h *= 0xff51afd7ed558ccdL;
		h ^= h >>> 33;
		h *= 0xc4ceb9fe1a85ec53L;
		h ^= h >>> 33;
		return h;
	}

	static int floorMod(long hash, int lanes) {
		return (int) Long.remainderUnsigned(hash, lanes);
	}

}
