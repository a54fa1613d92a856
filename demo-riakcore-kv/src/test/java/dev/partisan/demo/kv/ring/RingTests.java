package dev.partisan.demo.kv.ring;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring's placement of keys and the claim that gives its partitions to members. */
class RingTests {

	private static final int N = 3;

	@Test
	void keysSpreadOverEveryPartitionAndAlwaysLandOnTheSameOne() {
		Ring ring = Ring.solo("n1", 64);
		Set<Integer> hit = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			int partition = ring.partitionOf("key-" + i);
			assertThat(partition).isBetween(0, 63).isEqualTo(ring.partitionOf("key-" + i));
			hit.add(partition);
		}
		assertThat(hit).hasSize(64);
	}

	@Test
	void thePreferenceListIsThePartitionAndTheNextTwoClockwiseWrappingAround() {
		Ring ring = Ring.solo("n1", 64);
		assertThat(ring.preferenceList(17, N)).containsExactly(17, 18, 19);
		assertThat(ring.preferenceList(63, N)).containsExactly(63, 0, 1);
		assertThat(ring.primariesServedBy(1, N)).containsExactly(1, 0, 63);
	}

	@Test
	void threeMembersOwnAShareEachAndTheReplicasOfAlmostEveryKeyAreOnThreeNodes() {
		Ring ring = grow(List.of("n1", "n2", "n3"));
		assertThat(ring.ownership().values()).extracting(List::size).containsExactlyInAnyOrder(22, 21, 21);
		// 64 is not a multiple of 3: at the seam where the round wraps, one node holds
		// two of three replicas.
		assertThat(ring.violations(N)).isLessThanOrEqualTo(2);
	}

	@Test
	void aJoiningNodeTakesOnlyItsShareAndKeepsReplicasApart() {
		Ring three = grow(List.of("n1", "n2", "n3"));
		List<String> four = Claim.claim(three.owners(), List.of("n1", "n2", "n3", "n4"), N);
		int moved = 0;
		for (int i = 0; i < 64; i++) {
			if (!four.get(i).equals(three.owners().get(i))) {
				moved++;
				assertThat(four.get(i)).isEqualTo("n4");
			}
		}
		assertThat(moved).isEqualTo(16);
		assertThat(Claim.violations(four, N)).isZero();
	}

	@Test
	void theLeavingNodesPartitionsGoToTheOthersAndNothingElseMoves() {
		List<String> four = Claim.claim(grow(List.of("n1", "n2", "n3")).owners(), List.of("n1", "n2", "n3", "n4"), N);
		List<String> three = Claim.claim(four, List.of("n1", "n3", "n4"), N);
		assertThat(three).doesNotContain("n2");
		assertThat(new Ring(1, "n1", three).ownership().values()).extracting(List::size)
			.containsExactlyInAnyOrder(22, 21, 21);
	}

	@Test
	void theClaimIsAFunctionOfItsInputsSoEveryNodeComputesTheSameRing() {
		Ring ring = grow(List.of("n1", "n2", "n3"));
		assertThat(Claim.claim(ring.owners(), List.of("n3", "n1", "n2", "n4"), N))
			.isEqualTo(Claim.claim(ring.owners(), List.of("n4", "n2", "n1", "n3"), N));
	}

	@Test
	void aHigherVersionWinsAndOneVersionIsSettledTheSameWayEverywhere() {
		Ring v1 = new Ring(1, "n1", List.of("n1", "n2"));
		Ring v2 = new Ring(2, "n2", List.of("n2", "n1"));
		Ring v2ByN1 = new Ring(2, "n1", List.of("n1", "n1"));
		assertThat(v2.isNewerThan(v1)).isTrue();
		assertThat(v1.isNewerThan(v2)).isFalse();
		assertThat(v2ByN1.isNewerThan(v2)).isTrue();
		assertThat(v2.isNewerThan(v2ByN1)).isFalse();
		assertThat(v2.isNewerThan(v2)).isFalse();
	}

	/** The ring after the members joined one by one, as a cluster forms. */
	private static Ring grow(List<String> members) {
		List<String> owners = Ring.solo(members.get(0), 64).owners();
		List<String> joined = new ArrayList<>();
		for (String member : members) {
			joined.add(member);
			owners = Claim.claim(owners, joined, N);
		}
		return new Ring(joined.size(), members.get(0), owners);
	}

}
