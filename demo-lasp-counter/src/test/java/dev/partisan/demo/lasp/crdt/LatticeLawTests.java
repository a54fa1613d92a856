package dev.partisan.demo.lasp.crdt;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The laws that make state-based replication safe — merge is commutative, associative and
 * idempotent, and a local update only inflates — checked on many random states (a fixed
 * seed, so a failure repeats). Replica ids and ad ids come from small pools so that
 * random states overlap, which is where merges can go wrong.
 */
class LatticeLawTests {

	private static final int CASES = 500;

	private static final List<String> REPLICAS = List.of("c1#a", "c2#b", "c3#c", "c1#d", "s1#e");

	private static final List<String> ADS = List.of("ad-1", "ad-2", "ad-3", "ad-4");

	private final Random random = new Random(42);

	@Test
	void gCounterMergeIsALattice() {
		assertLaws(this::counter);
	}

	@Test
	void adStateMergeIsALattice() {
		assertLaws(this::adState);
	}

	@Test
	void adMapMergeIsALattice() {
		assertLaws(this::adMap);
	}

	@Test
	void gCounterValueIsTheSumAndMergeTakesTheLargerEntry() {
		GCounter a = GCounter.zero().increment("c1").increment("c1").increment("c2");
		GCounter b = GCounter.zero().increment("c1").increment("c3");
		assertThat(a.value()).isEqualTo(3);
		GCounter merged = a.merge(b);
		assertThat(merged.counts()).isEqualTo(Map.of("c1", 2L, "c2", 1L, "c3", 1L));
		assertThat(merged.value()).isEqualTo(4);
		// Merging an old state again changes nothing: re-delivered state is never counted
		// twice.
		assertThat(merged.merge(a).merge(b).merge(a)).isEqualTo(merged);
	}

	@Test
	void gCounterMergeIsTheEntrywiseMaximumInReplicaOrderAndKeepsACoveringSide() {
		for (int i = 0; i < CASES; i++) {
			GCounter a = counter(this.random);
			GCounter b = counter(this.random);
			Map<String, Long> expected = new TreeMap<>(a.counts());
			b.counts().forEach((replica, count) -> expected.merge(replica, count, Math::max));
			expected.values().removeIf((count) -> count == 0);
			GCounter merged = a.merge(b);
			assertThat(merged.counts()).isEqualTo(expected);
			assertThat(merged.counts().keySet()).containsExactlyElementsOf(expected.keySet());
			for (String replica : REPLICAS) {
				assertThat(merged.countOf(replica)).isEqualTo(expected.getOrDefault(replica, 0L));
			}
			if (merged.equals(a)) {
				assertThat(merged).as("the side that covers the other is returned itself").isSameAs(a);
			}
			else if (merged.equals(b)) {
				assertThat(merged).isSameAs(b);
			}
		}
		GCounter counter = GCounter.zero().increment("c2").increment("c1");
		assertThat(counter.counts().keySet()).containsExactly("c1", "c2");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> counter.counts().put("c3", 1L));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> counter.counts().entrySet().iterator().next().setValue(5L));
	}

	@Test
	void updatesOnlyInflate() {
		for (int i = 0; i < CASES; i++) {
			AdState state = adState(this.random);
			String replica = REPLICAS.get(this.random.nextInt(REPLICAS.size()));
			AdState viewed = state.viewedBy(replica);
			assertThat(state.isBelow(viewed)).isTrue();
			assertThat(viewed.total()).isEqualTo(state.total() + 1);
			assertThat(state.isBelow(state.disable())).isTrue();
			assertThat(state.disable().showable()).isFalse();
		}
	}

	@Test
	void disabledNeverComesBackAndThresholdIsReachedMonotonically() {
		for (int i = 0; i < CASES; i++) {
			AdState a = adState(this.random);
			AdState b = adState(this.random);
			AdState merged = a.merge(b);
			if (a.disabled() || b.disabled()) {
				assertThat(merged.disabled()).isTrue();
			}
			if (a.reachedThreshold() && a.threshold() >= b.threshold()) {
				assertThat(merged.reachedThreshold()).isTrue();
			}
			assertThat(merged.total()).isGreaterThanOrEqualTo(Math.max(a.total(), b.total()));
		}
	}

	@Test
	void aMergeIsEntrywiseAndGivesBackTheSideThatCoversTheOther() {
		GCounter a = new GCounter(Map.of("c1", 3L, "c2", 1L));
		GCounter b = new GCounter(Map.of("c1", 1L, "c2", 4L));
		assertThat(a.merge(b)).isEqualTo(new GCounter(Map.of("c1", 3L, "c2", 4L)));
		GCounter above = new GCounter(Map.of("c1", 3L, "c2", 5L));
		assertThat(above.merge(a)).isSameAs(above);
		assertThat(a.merge(above)).isSameAs(above);
		GCounter wider = new GCounter(Map.of("c1", 3L, "c2", 1L, "c3", 1L));
		assertThat(a.merge(wider)).isSameAs(wider);
		assertThat(b.merge(wider)).isEqualTo(new GCounter(Map.of("c1", 3L, "c2", 4L, "c3", 1L)));
	}

	@Test
	void zeroEntriesEqualMissingOnesAndNegativeCountsAreRefused() {
		assertThat(new GCounter(Map.of("c1", 0L))).isEqualTo(GCounter.zero());
		assertThatIllegalArgumentException().isThrownBy(() -> new GCounter(Map.of("c1", -1L)));
		assertThatIllegalArgumentException().isThrownBy(() -> AdState.created(0));
	}

	private <T extends Lattice<T>> void assertLaws(Function<Random, T> generator) {
		for (int i = 0; i < CASES; i++) {
			T a = generator.apply(this.random);
			T b = generator.apply(this.random);
			T c = generator.apply(this.random);
			assertThat(a.merge(b)).as("commutative: %s, %s", a, b).isEqualTo(b.merge(a));
			assertThat(a.merge(b).merge(c)).as("associative: %s, %s, %s", a, b, c).isEqualTo(a.merge(b.merge(c)));
			assertThat(a.merge(a)).as("idempotent: %s", a).isEqualTo(a);
			assertThat(a.isBelow(a.merge(b))).as("an upper bound: %s, %s", a, b).isTrue();
		}
	}

	private GCounter counter(Random random) {
		Map<String, Long> counts = new TreeMap<>();
		for (String replica : REPLICAS) {
			if (random.nextInt(3) > 0) {
				counts.put(replica, (long) random.nextInt(6));
			}
		}
		return new GCounter(counts);
	}

	private AdState adState(Random random) {
		return new AdState(1 + random.nextInt(3) * 5, counter(random), random.nextInt(4) == 0);
	}

	private AdMap adMap(Random random) {
		Map<String, AdState> ads = new TreeMap<>();
		for (String ad : ADS) {
			if (random.nextBoolean()) {
				ads.put(ad, adState(random));
			}
		}
		return new AdMap(ads);
	}

}
