package dev.partisan.transport;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Balanced lane placement: a lane per flow while there are lanes, sticky while active,
 * forgotten when idle.
 */
class BalancedPlacementTest {

	private static final long NOW = 1_000_000_000L;

	@Test
	void sixteenFlowsOnSixteenLanesGetALaneEach() {
		BalancedPlacement placement = new BalancedPlacement(16);
		Set<Integer> used = new HashSet<>();
		for (int sender = 0; sender < 16; sender++) {
			used.add(placement.laneFor("sender-" + sender + "\u0000sink", NOW));
		}
		assertThat(used).hasSize(16);
	}

	@Test
	void thirtyTwoFlowsOnFourLanesGetEightEach() {
		BalancedPlacement placement = new BalancedPlacement(4);
		int[] perLane = new int[4];
		for (int key = 0; key < 32; key++) {
			perLane[placement.laneFor(key, NOW)]++;
		}
		assertThat(perLane).containsExactly(8, 8, 8, 8);
	}

	@Test
	void aFlowKeepsItsLaneAndKeysTheHashTreatsAlikeAreOneFlow() {
		BalancedPlacement placement = new BalancedPlacement(8);
		int lane = placement.laneFor(7, NOW);
		for (int i = 0; i < 100; i++) {
			placement.laneFor("other-" + i, NOW);
			assertThat(placement.laneFor(7, NOW + i)).isEqualTo(lane);
		}
		assertThat(placement.laneFor(7L, NOW)).isEqualTo(lane);
		int bytesLane = placement.laneFor(new byte[] { 1, 2, 3 }, NOW);
		assertThat(placement.laneFor(new byte[] { 1, 2, 3 }, NOW)).isEqualTo(bytesLane);
	}

	@Test
	void anIdleFlowIsForgottenOnlyOnceItsLaneHasNothingQueued() {
		BalancedPlacement placement = new BalancedPlacement(4);
		placement.laneFor("a", NOW);
		placement.laneFor("b", NOW);
		long later = NOW + BalancedPlacement.STICKINESS.toNanos() + TimeUnit.SECONDS.toNanos(1);

		placement.sweep(NOW + TimeUnit.SECONDS.toNanos(1), (lane) -> true);
		assertThat(placement.activeFlows()).as("not idle long enough").isEqualTo(2);
		placement.sweep(later, (lane) -> false);
		assertThat(placement.activeFlows()).as("its lane still holds messages").isEqualTo(2);
		placement.laneFor("b", later);
		placement.sweep(later, (lane) -> true);
		assertThat(placement.activeFlows()).as("only the idle one goes").isEqualTo(1);

		// The freed lane is the least loaded again: the next new flow takes it.
		int freed = placement.laneFor("a", later);
		assertThat(freed).isNotEqualTo(placement.laneFor("b", later));
	}

	@Test
	void pastTheBoundNewFlowsAreHashedInsteadOfRemembered() {
		BalancedPlacement placement = new BalancedPlacement(4);
		for (int key = 0; key < BalancedPlacement.MAX_FLOWS; key++) {
			placement.laneFor(key, NOW);
		}
		int lane = placement.laneFor("one more", NOW);
		assertThat(placement.activeFlows()).isEqualTo(BalancedPlacement.MAX_FLOWS);
		assertThat(lane).isEqualTo(LaneSelector.select(4, "one more", "", "", true, 0));
	}

}
