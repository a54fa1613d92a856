package dev.partisan.demo.lasp.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A grow-only counter (G-Counter): one count per replica, each replica increments only
 * its own entry. Merge takes the pointwise maximum, the value is the sum. A replica that
 * increments while it cannot reach anyone loses nothing: its entry simply becomes the
 * largest when it is heard again.
 *
 * <p>
 * The replica id must never be reused with a lower count, or the maximum would hide the
 * new increments; the demo gives every incarnation of a node its own id (see
 * {@code Replica}).
 *
 * @param counts each replica's own increments; missing means zero
 */
public record GCounter(Map<String, Long> counts) implements Lattice<GCounter> {

	private static final GCounter ZERO = new GCounter(Map.of());

	public GCounter {
		TreeMap<String, Long> copy = new TreeMap<>();
		counts.forEach((replica, count) -> {
			if (count < 0) {
				throw new IllegalArgumentException("A G-Counter entry cannot be negative: " + replica + "=" + count);
			}
			if (count > 0) {
				// Zero and missing are the same state; dropping zeros keeps equals() a
				// lattice equality.
				copy.put(replica, count);
			}
		});
		counts = Collections.unmodifiableMap(copy);
	}

	public static GCounter zero() {
		return ZERO;
	}

	/** This counter with {@code replica}'s own entry one higher. */
	public GCounter increment(String replica) {
		TreeMap<String, Long> next = new TreeMap<>(this.counts);
		next.merge(replica, 1L, Long::sum);
		return new GCounter(next);
	}

	/** The counter's value: the sum of every replica's increments. */
	public long value() {
		return this.counts.values().stream().mapToLong(Long::longValue).sum();
	}

	/** How many increments {@code replica} made, as far as this state knows. */
	public long countOf(String replica) {
		return this.counts.getOrDefault(replica, 0L);
	}

	@Override
	public GCounter merge(GCounter other) {
		TreeMap<String, Long> merged = new TreeMap<>(this.counts);
		other.counts.forEach((replica, count) -> merged.merge(replica, count, Math::max));
		return new GCounter(merged);
	}

}
