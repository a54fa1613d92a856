package dev.partisan.simulation;

import java.time.Duration;
import java.util.function.Consumer;

import dev.partisan.api.Node;
import dev.partisan.membership.Overlay;
import dev.partisan.pubsub.PubSubOverlay;
import org.junit.jupiter.api.Test;

/**
 * Seeded random membership schedules on the pub-sub overlay (see {@link RandomMembership}
 * and {@link FullMeshMembershipCheck}), its announcements carried by the simulator as a
 * broker would: to every node, each at its own delay (so two nodes' announcements arrive
 * in either order), held across a partition until it heals. Every node is a member from
 * its start; a join only ends a leave. Afterwards every running member lists every
 * running member, none lists a node that left or was removed, and no node was reported
 * {@code LEFT} that had not left or been removed.
 */
class PubSubRandomMembershipTest {

	private static final Duration ANNOUNCE = Duration.ofMillis(200);

	static final RandomMembership.Cluster CLUSTER = new RandomMembership.Cluster() {

		@Override
		public Overlay overlay(Node node) {
			return PubSubOverlay.announcingEvery(ANNOUNCE);
		}

		@Override
		public boolean membersFromTheStart() {
			return true;
		}

		/** A node that left does not announce: it starts nothing for another's join. */
		@Override
		public boolean leaversSeed() {
			return false;
		}

		@Override
		public Duration bound() {
			return FullMeshRandomMembershipTest.BOUND;
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
