package dev.partisan.demo.kv.vnode;

import java.util.Arrays;
import java.util.Comparator;

import org.jspecify.annotations.Nullable;

/**
 * A value with its last-writer-wins stamp. A delete is a value of {@code null} (a
 * tombstone), so that it wins over the older value it deletes wherever the two meet.
 *
 * @param timestamp the writer's clock in milliseconds when it wrote (see
 * {@code LwwClock})
 * @param node the coordinating node of the write: of two writes in one millisecond, the
 * higher name wins, so replicas that see them in different orders still keep the same one
 * @param value the bytes, or {@code null} for a delete
 */
public record Versioned(long timestamp, String node, byte @Nullable [] value) {

	public static final Comparator<Versioned> ORDER = Comparator.comparingLong(Versioned::timestamp)
		.thenComparing(Versioned::node);

	/**
	 * The winner of the two under last-writer-wins; either may be {@code null} (missing).
	 */
	public static @Nullable Versioned newest(@Nullable Versioned a, @Nullable Versioned b) {
		if (a == null) {
			return b;
		}
		if (b == null) {
			return a;
		}
		return (ORDER.compare(a, b) >= 0) ? a : b;
	}

	public boolean isNewerThan(@Nullable Versioned other) {
		return other == null || ORDER.compare(this, other) > 0;
	}

	public boolean isTombstone() {
		return this.value == null;
	}

	/** The stamp alone, what anti-entropy compares. */
	public Version version() {
		return new Version(this.timestamp, this.node);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Versioned that && this.timestamp == that.timestamp && this.node.equals(that.node)
				&& Arrays.equals(this.value, that.value);
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.timestamp) * 31 + this.node.hashCode();
	}

	@Override
	public String toString() {
		return "Versioned[" + this.timestamp + "@" + this.node + ", "
				+ ((this.value != null) ? this.value.length + " bytes" : "tombstone") + "]";
	}

	/** A stamp without its value. */
	public record Version(long timestamp, String node) implements Comparable<Version> {

		@Override
		public int compareTo(Version other) {
			int byTime = Long.compare(this.timestamp, other.timestamp);
			return (byTime != 0) ? byTime : this.node.compareTo(other.node);
		}

	}

}
