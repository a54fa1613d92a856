package dev.partisan.transport;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LaneSelectorTest {

	@Test
	void oneKeyAlwaysTakesTheSameLane() {
		int first = LaneSelector.select(8, "user-42", "a", "kv", true, 0);
		for (int i = 0; i < 100; i++) {
			assertThat(LaneSelector.select(8, "user-42", "sender-" + i, "kv", true, i)).isEqualTo(first);
		}
	}

	@Test
	void smallSequentialKeysSpreadOverAllLanes() {
		// Pekko once hashed an always-zero id and put every message on lane 0: sequential
		// keys must not.
		Set<Integer> lanes = new HashSet<>();
		for (long key = 0; key < 16; key++) {
			lanes.add(LaneSelector.select(4, key, "s", "d", true, 0));
		}
		assertThat(lanes).containsExactlyInAnyOrder(0, 1, 2, 3);
	}

	@Test
	void keysAreBalancedAcrossLanes() {
		int[] counts = new int[4];
		for (int key = 0; key < 10_000; key++) {
			counts[LaneSelector.select(4, key, "s", "d", true, 0)]++;
		}
		for (int count : counts) {
			assertThat(count).isBetween(2_200, 2_800);
		}
	}

	@Test
	void withAffinityOneSenderToOneDestinationKeepsOneLane() {
		int lane = LaneSelector.select(16, null, "worker-3", "echo", true, 0);
		for (long rr = 1; rr < 50; rr++) {
			assertThat(LaneSelector.select(16, null, "worker-3", "echo", true, rr)).isEqualTo(lane);
		}
		Set<Integer> used = new HashSet<>();
		for (int sender = 0; sender < 64; sender++) {
			used.add(LaneSelector.select(16, null, "worker-" + sender, "echo", true, 0));
		}
		assertThat(used).hasSizeGreaterThan(10);
	}

	@Test
	void withoutAffinityLanesAreUsedInTurn() {
		for (long rr = 0; rr < 12; rr++) {
			assertThat(LaneSelector.select(4, null, "s", "d", false, rr)).isEqualTo((int) (rr % 4));
		}
	}

}
