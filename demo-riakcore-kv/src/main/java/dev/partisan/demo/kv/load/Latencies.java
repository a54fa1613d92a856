package dev.partisan.demo.kv.load;

import java.util.Arrays;

/**
 * One worker's request latencies, in nanoseconds. Not thread-safe: each worker keeps its
 * own, and they are merged once the run is over.
 */
final class Latencies {

	private long[] values = new long[4096];

	private int size;

	void record(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
	}

	int size() {
		return this.size;
	}

	static long[] sorted(Iterable<Latencies> all) {
		int total = 0;
		for (Latencies l : all) {
			total += l.size;
		}
		long[] merged = new long[total];
		int at = 0;
		for (Latencies l : all) {
			System.arraycopy(l.values, 0, merged, at, l.size);
			at += l.size;
		}
		Arrays.sort(merged);
		return merged;
	}

	/**
	 * The {@code q} quantile (0..1) of sorted values, nearest rank; 0 when there are
	 * none.
	 */
	static long quantile(long[] sorted, double q) {
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(q * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

}
