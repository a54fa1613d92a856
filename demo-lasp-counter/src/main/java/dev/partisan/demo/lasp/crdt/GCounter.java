package dev.partisan.demo.lasp.crdt;

import java.util.Map;

import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

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
public record GCounter(@JsonSerialize(using = SortedCounts.ToJson.class) @JsonDeserialize(
		using = SortedCounts.FromJson.class) Map<String, Long> counts) implements Lattice<GCounter> {

	private static final GCounter ZERO = new GCounter(SortedCounts.EMPTY);

	public GCounter {
		// Entries this class made are already sorted, positive and immutable; anything
		// else (a map a caller built, or JSON read from the wire) is checked and copied.
		counts = (counts instanceof SortedCounts sorted) ? sorted : SortedCounts.of(counts);
	}

	public static GCounter zero() {
		return ZERO;
	}

	/** This counter with {@code replica}'s own entry one higher. */
	public GCounter increment(String replica) {
		return new GCounter(entries().incremented(replica));
	}

	/** The counter's value: the sum of every replica's increments. */
	public long value() {
		return entries().sum();
	}

	/** How many increments {@code replica} made, as far as this state knows. */
	public long countOf(String replica) {
		return entries().countOf(replica);
	}

	/**
	 * The entrywise maximum; this counter or {@code other} itself when one covers the
	 * other.
	 */
	@Override
	public GCounter merge(GCounter other) {
		SortedCounts merged = SortedCounts.max(entries(), other.entries());
		return (merged == entries()) ? this : (merged == other.entries()) ? other : new GCounter(merged);
	}

	private SortedCounts entries() {
		return (SortedCounts) this.counts;
	}

}
