package dev.partisan.simulation;

import java.time.Duration;
import java.util.function.Consumer;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.Overlay;
import org.junit.jupiter.api.Test;

/**
 * Seeded random membership schedules on the client-server overlay (see
 * {@link RandomMembership} and {@link FullMeshMembershipCheck}): two servers, the rest
 * clients; a client joins through a server; afterwards servers list every member and
 * clients the servers.
 */
class ClientServerRandomMembershipTest {

	private static final Duration GOSSIP = Duration.ofMillis(200);

	private static final ClientServerReach REACH = new ClientServerReach();

	static final RandomMembership.Cluster CLUSTER = new RandomMembership.Cluster() {

		@Override
		public Node node(int index) {
			return new Node(NodeId.of(Simulation.name(index)), "sim", 1 + index,
					(index < 2) ? ClientServerReach.SERVER : ClientServerReach.CLIENT);
		}

		@Override
		public Overlay overlay(Node node) {
			return ClientServerReach.overlay(node, GOSSIP);
		}

		@Override
		public boolean canSeed(Node joiner, Node seed) {
			return REACH.connects(joiner, seed);
		}

		@Override
		public Duration bound() {
			return FullMeshRandomMembershipTest.BOUND;
		}

		@Override
		public void check(Simulation sim, MembershipSchedule model, Consumer<String> violations) {
			FullMeshMembershipCheck.check(sim, model, REACH::connects, violations);
		}

	};

	@Test
	void serversListEveryMemberAndClientsTheServersAfterTwoHundredRandomSchedules() {
		RandomMembership.runAll(CLUSTER, 1, RandomMembership.DEFAULT_SCHEDULES, 6, 20);
	}

	@Test
	void thirtyNodesWithTwoServersAgreeAfterLongerRandomSchedules() {
		RandomMembership.runAll(CLUSTER, 60_000, 10, 30, 60);
	}

}
