package dev.partisan.bench;

import java.util.Arrays;

/**
 * Per-sender latencies, merged once the case ends. Not thread-safe: one per sender
 * thread.
 */
final class LatencyRecorder {

	private long[] nanos;

	private int count;

	LatencyRecorder(int expected) {
		this.nanos = new long[Math.max(16, expected)];
	}

	void record(long latencyNanos) {
		if (this.count == this.nanos.length) {
			this.nanos = Arrays.copyOf(this.nanos, this.count * 2);
		}
		this.nanos[this.count++] = latencyNanos;
	}

	int count() {
		return this.count;
	}

	/** Sorted latencies of all recorders. */
	static long[] merge(Iterable<LatencyRecorder> recorders) {
		int total = 0;
		for (LatencyRecorder r : recorders) {
			total += r.count;
		}
		long[] all = new long[total];
		int at = 0;
		for (LatencyRecorder r : recorders) {
			System.arraycopy(r.nanos, 0, all, at, r.count);
			at += r.count;
		}
		Arrays.sort(all);
		return all;
	}

	/** The q-quantile (0..1) of sorted values, in milliseconds; 0 for none. */
	static double percentileMillis(long[] sorted, double q) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
		return sorted[index] / 1_000_000.0;
	}

}
