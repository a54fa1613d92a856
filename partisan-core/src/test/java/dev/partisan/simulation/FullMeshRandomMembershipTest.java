package dev.partisan.simulation;

import java.time.Duration;
import java.util.function.Consumer;

import dev.partisan.api.Node;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.membership.Overlay;
import org.junit.jupiter.api.Test;

/**
 * Seeded random membership schedules on the full-mesh overlay (see
 * {@link RandomMembership} and {@link FullMeshMembershipCheck}).
 */
class FullMeshRandomMembershipTest {

	private static final Duration GOSSIP = Duration.ofMillis(200);

	/**
	 * Detection, a farewell's wait and a few gossip rounds: what a change needs to reach
	 * every member.
	 */
	static final Duration BOUND = Duration.ofSeconds(5);

	static final RandomMembership.Cluster CLUSTER = new RandomMembership.Cluster() {

		@Override
		public Overlay overlay(Node node) {
			return new FullMeshOverlay(GOSSIP);
		}

		@Override
		public Duration bound() {
			return BOUND;
		}

		@Override
		public void check(Simulation sim, MembershipSchedule model, Consumer<String> violations) {
			FullMeshMembershipCheck.check(sim, model, (a, b) -> true, violations);
		}

	};

	@Test
	void everyRunningMemberAgreesAfterTwoHundredRandomSchedulesOfSixNodes() {
		RandomMembership.runAll(CLUSTER, 1, RandomMembership.DEFAULT_SCHEDULES, 6, 20);
	}

	@Test
	void thirtyNodesAgreeAfterLongerRandomSchedules() {
		RandomMembership.runAll(CLUSTER, 50_000, 10, 30, 60);
	}

}
