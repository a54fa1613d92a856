package dev.partisan.demo.lasp.crdt;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;

/**
 * A {@link GCounter}'s entries: immutable, sorted by replica, held in two arrays. A
 * counter has one entry per replica that ever counted, a thousand and more in the scale
 * experiment, and merging two of them is what every node does with every state it
 * receives. Over sorted arrays a merge is one linear walk, and it returns one of its
 * inputs unchanged when that one already covers the other; a sorted map would copy and
 * re-sort every entry on every merge. Iteration is in replica order, as a sorted map's,
 * so the JSON a counter is written as does not change.
 */
final class SortedCounts extends AbstractMap<String, Long> {

	static final SortedCounts EMPTY = new SortedCounts(new String[0], new long[0]);

	private final String[] replicas;

	private final long[] counts;

	/** {@link #sum()}, or -1 before it is first asked for. */
	private volatile long sum = -1;

	private SortedCounts(String[] replicas, long[] counts) {
		this.replicas = replicas;
		this.counts = counts;
	}

	/**
	 * The positive entries of {@code counts}, sorted; a negative entry is refused, a zero
	 * dropped (zero and missing are the same state, so equals stays the lattice's
	 * equality).
	 */
	static SortedCounts of(Map<String, Long> counts) {
		SortedCounts inOrder = ofOrdered(counts);
		if (inOrder != null) {
			return inOrder;
		}
		TreeMap<String, Long> sorted = new TreeMap<>();
		counts.forEach((replica, count) -> {
			if (count < 0) {
				throw new IllegalArgumentException("A G-Counter entry cannot be negative: " + replica + "=" + count);
			}
			if (count > 0) {
				sorted.put(replica, count);
			}
		});
		// Sorted and positive now, so always in order.
		return Objects.requireNonNull(ofOrdered(sorted));
	}

	/**
	 * {@code counts} as they are when they come already sorted and positive, as a counter
	 * read from JSON does (it is written in replica order): one pass instead of a sort;
	 * {@code null} when they do not.
	 */
	private static @Nullable SortedCounts ofOrdered(Map<String, Long> counts) {
		String[] replicas = new String[counts.size()];
		long[] values = new long[replicas.length];
		int n = 0;
		for (Map.Entry<String, Long> entry : counts.entrySet()) {
			String replica = entry.getKey();
			Long count = entry.getValue();
			if (n == replicas.length || replica == null || count == null || count <= 0
					|| (n > 0 && replicas[n - 1].compareTo(replica) >= 0)) {
				return null;
			}
			replicas[n] = replica;
			values[n++] = count;
		}
		return (n == replicas.length) ? new SortedCounts(replicas, values) : null;
	}

	/**
	 * Entries that are known to be in strict replica order and positive, as a reader that
	 * checked them builds them; the arrays are taken, not copied.
	 */
	static SortedCounts ofChecked(String[] replicas, long[] counts) {
		return new SortedCounts(replicas, counts);
	}

	/** The replicas, in order; the caller must not change the array. */
	String[] replicas() {
		return this.replicas;
	}

	/** The counts, in replica order; the caller must not change the array. */
	long[] counts() {
		return this.counts;
	}

	/** {@code replica}'s count; zero when it has none. */
	long countOf(String replica) {
		int at = Arrays.binarySearch(this.replicas, replica);
		return (at >= 0) ? this.counts[at] : 0;
	}

	/**
	 * The sum of the counts, worked out once: every view and every merge on a server asks
	 * whether the threshold is reached.
	 */
	long sum() {
		long sum = this.sum;
		if (sum < 0) {
			sum = 0;
			for (long count : this.counts) {
				sum += count;
			}
			this.sum = sum;
		}
		return sum;
	}

	/** These counts with {@code replica}'s one higher. */
	SortedCounts incremented(String replica) {
		int at = Arrays.binarySearch(this.replicas, replica);
		if (at >= 0) {
			long[] next = this.counts.clone();
			next[at]++;
			return new SortedCounts(this.replicas, next);
		}
		int insert = -at - 1;
		String[] replicas = new String[this.replicas.length + 1];
		long[] counts = new long[this.counts.length + 1];
		System.arraycopy(this.replicas, 0, replicas, 0, insert);
		System.arraycopy(this.counts, 0, counts, 0, insert);
		replicas[insert] = replica;
		counts[insert] = 1;
		System.arraycopy(this.replicas, insert, replicas, insert + 1, this.replicas.length - insert);
		System.arraycopy(this.counts, insert, counts, insert + 1, this.counts.length - insert);
		return new SortedCounts(replicas, counts);
	}

	/**
	 * The entrywise maximum of {@code a} and {@code b}: {@code a} or {@code b} itself
	 * when it is at least the other everywhere.
	 */
	static SortedCounts max(SortedCounts a, SortedCounts b) {
		if (a == b) {
			return a;
		}
		if (sameReplicas(a.replicas, b.replicas)) {
			return maxOfSameReplicas(a, b);
		}
		// One walk, allocating nothing, finds whether one side covers the other (most
		// merges take a state one side already covers) and whether one side's replicas
		// include the other's (the merged entries then share its names).
		String[] ra = a.replicas;
		String[] rb = b.replicas;
		boolean aCovers = true;
		boolean bCovers = true;
		int union = 0;
		int i = 0;
		int j = 0;
		while (i < ra.length || j < rb.length) {
			int order = (i == ra.length) ? 1 : (j == rb.length) ? -1 : order(ra[i], rb[j]);
			union++;
			if (order < 0) {
				bCovers = false;
				i++;
			}
			else if (order > 0) {
				aCovers = false;
				j++;
			}
			else {
				long x = a.counts[i++];
				long y = b.counts[j++];
				aCovers &= x >= y;
				bCovers &= y >= x;
			}
		}
		if (aCovers) {
			return a;
		}
		if (bCovers) {
			return b;
		}
		if (union == ra.length) {
			return maxOverNamesOf(a, b);
		}
		if (union == rb.length) {
			return maxOverNamesOf(b, a);
		}
		String[] replicas = new String[union];
		long[] counts = new long[union];
		i = 0;
		j = 0;
		for (int n = 0; n < union; n++) {
			int order = (i == ra.length) ? 1 : (j == rb.length) ? -1 : order(ra[i], rb[j]);
			if (order < 0) {
				replicas[n] = ra[i];
				counts[n] = a.counts[i++];
			}
			else if (order > 0) {
				replicas[n] = rb[j];
				counts[n] = b.counts[j++];
			}
			else {
				replicas[n] = ra[i];
				counts[n] = Math.max(a.counts[i++], b.counts[j++]);
			}
		}
		return new SortedCounts(replicas, counts);
	}

	/**
	 * The entrywise maximum of {@code wide} and {@code narrow}, whose replicas are among
	 * {@code wide}'s: the result shares {@code wide}'s names.
	 */
	private static SortedCounts maxOverNamesOf(SortedCounts wide, SortedCounts narrow) {
		long[] counts = wide.counts.clone();
		int j = 0;
		for (int i = 0; i < wide.replicas.length && j < narrow.replicas.length; i++) {
			if (order(wide.replicas[i], narrow.replicas[j]) == 0) {
				counts[i] = Math.max(counts[i], narrow.counts[j++]);
			}
		}
		return new SortedCounts(wide.replicas, counts);
	}

	/**
	 * Whether both list the same replicas: once every replica's entry has reached every
	 * node, as it soon does, every merge is of this kind.
	 */
	private static boolean sameReplicas(String[] x, String[] y) {
		if (x == y) {
			return true;
		}
		if (x.length != y.length) {
			return false;
		}
		for (int i = 0; i < x.length; i++) {
			if (x[i] != y[i] && !x[i].equals(y[i])) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The entrywise maximum of two counters over the same replicas: no comparison of
	 * names, and the result shares {@code b}'s replicas (both are immutable). A replica
	 * merges what it receives as {@code b}, and a reader shares one array among all the
	 * states it reads with the same replicas, so taking {@code b}'s makes a replica's
	 * array that very one, and its next merges recognise the same replicas by identity
	 * instead of comparing a thousand names.
	 */
	private static SortedCounts maxOfSameReplicas(SortedCounts a, SortedCounts b) {
		long[] x = a.counts;
		long[] y = b.counts;
		boolean aCovers = true;
		boolean bCovers = true;
		for (int i = 0; i < x.length && (aCovers || bCovers); i++) {
			aCovers &= x[i] >= y[i];
			bCovers &= y[i] >= x[i];
		}
		if (aCovers) {
			return a;
		}
		if (bCovers) {
			return b;
		}
		// A clone is not zeroed first, as a new array is: one pass over memory less, on
		// the merge every node makes with every state it receives.
		long[] max = y.clone();
		for (int i = 0; i < x.length; i++) {
			if (x[i] > max[i]) {
				max[i] = x[i];
			}
		}
		return new SortedCounts(b.replicas, max);
	}

	/**
	 * Replica order. Names read from the wire are mostly the very same strings
	 * ({@link AdStateFormat} keeps one string per id, and JSON's parser canonicalizes
	 * names), so identity decides most comparisons without reading them.
	 */
	private static int order(String x, String y) {
		return (x == y) ? 0 : x.compareTo(y);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (other instanceof SortedCounts sorted) {
			// Checking whether replicas converged compares every node's counters.
			return this == sorted
					|| (Arrays.equals(this.counts, sorted.counts) && Arrays.equals(this.replicas, sorted.replicas));
		}
		return super.equals(other);
	}

	@Override
	public int hashCode() {
		return super.hashCode();
	}

	@Override
	public @Nullable Long get(Object key) {
		if (!(key instanceof String replica)) {
			return null;
		}
		int at = Arrays.binarySearch(this.replicas, replica);
		return (at >= 0) ? this.counts[at] : null;
	}

	@Override
	public boolean containsKey(Object key) {
		return (key instanceof String replica) && Arrays.binarySearch(this.replicas, replica) >= 0;
	}

	@Override
	public int size() {
		return this.replicas.length;
	}

	@Override
	public Set<Map.Entry<String, Long>> entrySet() {
		return new AbstractSet<>() {

			@Override
			public Iterator<Map.Entry<String, Long>> iterator() {
				return new Iterator<>() {

					private int next;

					@Override
					public boolean hasNext() {
						return this.next < SortedCounts.this.replicas.length;
					}

					@Override
					public Map.Entry<String, Long> next() {
						if (!hasNext()) {
							throw new NoSuchElementException();
						}
						int at = this.next++;
						return new SimpleImmutableEntry<>(SortedCounts.this.replicas[at], SortedCounts.this.counts[at]);
					}

				};
			}

			@Override
			public int size() {
				return SortedCounts.this.replicas.length;
			}

		};
	}

	/**
	 * Reads a counter's entries from JSON straight into the two arrays, without the map
	 * of boxed counts Jackson would build first: every state a node receives is a
	 * thousand of them at a thousand nodes, and reading them was most of the scale
	 * experiment's time. Entries out of order (or repeated; the last one counts, as in a
	 * map) take the sorting path; anything but a non-negative integer count is refused
	 * with the replica it belongs to.
	 */
	static final class FromJson extends ValueDeserializer<Map<String, Long>> {

		@Override
		public Map<String, Long> deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.START_OBJECT)) {
				return context.reportInputMismatch(this, "A G-Counter's counts are a JSON object, not %s",
						parser.currentToken());
			}
			String[] replicas = new String[16];
			long[] values = new long[16];
			int n = 0;
			boolean ordered = true;
			for (String replica = parser.nextName(); replica != null; replica = parser.nextName()) {
				if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
					return context.reportInputMismatch(this, "The count of replica '%s' is not an integer", replica);
				}
				long count = parser.getLongValue();
				if (count < 0) {
					return context.reportInputMismatch(this, "A G-Counter entry cannot be negative: %s=%d", replica,
							count);
				}
				if (n == replicas.length) {
					replicas = Arrays.copyOf(replicas, n * 2);
					values = Arrays.copyOf(values, n * 2);
				}
				ordered &= (n == 0 || replicas[n - 1].compareTo(replica) < 0);
				replicas[n] = replica;
				values[n++] = count;
			}
			if (!parser.hasToken(JsonToken.END_OBJECT)) {
				return context.reportInputMismatch(this, "A G-Counter's counts hold only replica names, not %s",
						parser.currentToken());
			}
			if (ordered) {
				int kept = 0;
				for (int i = 0; i < n; i++) {
					if (values[i] > 0) {
						replicas[kept] = replicas[i];
						values[kept++] = values[i];
					}
				}
				return new SortedCounts(Arrays.copyOf(replicas, kept), Arrays.copyOf(values, kept));
			}
			Map<String, Long> counts = new LinkedHashMap<>();
			for (int i = 0; i < n; i++) {
				counts.put(replicas[i], values[i]);
			}
			return of(counts);
		}

	}

	/**
	 * Writes a counter's entries from the two arrays, in replica order, as the JSON
	 * object a map of them is written as (the same bytes), without boxing every count and
	 * walking map entries: every node writes its states every few seconds.
	 */
	static final class ToJson extends ValueSerializer<Map<String, Long>> {

		@Override
		public void serialize(Map<String, Long> value, JsonGenerator generator, SerializationContext context) {
			generator.writeStartObject();
			if (value instanceof SortedCounts sorted) {
				for (int i = 0; i < sorted.replicas.length; i++) {
					generator.writeName(sorted.replicas[i]);
					generator.writeNumber(sorted.counts[i]);
				}
			}
			else {
				for (Map.Entry<String, Long> entry : value.entrySet()) {
					generator.writeName(entry.getKey());
					generator.writeNumber(entry.getValue());
				}
			}
			generator.writeEndObject();
		}

	}

}
