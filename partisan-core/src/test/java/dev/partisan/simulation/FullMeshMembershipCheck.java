package dev.partisan.simulation;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.simulation.MembershipSchedule.State;
import dev.partisan.simulation.Simulation.SimNode;

/**
 * What must hold of a full-mesh membership (client-server being full-mesh with a narrower
 * reach) once a random schedule's bound has passed. A member is a node the model says
 * joined and neither left nor was removed since; a crash does not end membership on
 * full-mesh (only a leave or a removal does), so a crashed member may still be listed —
 * but by all or by none.
 * <ul>
 * <li>Agreement: every running member lists the same members, as far as it reaches them
 * (a client lists itself and the servers): the running members, and perhaps crashed ones.
 * Without a running member that reaches everyone (no server running), each member still
 * lists every running member it reaches, and no other but crashed members.</li>
 * <li>Up: each running member sees exactly the other running members it reaches up.</li>
 * <li>A running node that is not a member (it left, was removed, or never joined) lists
 * only itself and sees no one up.</li>
 * </ul>
 */
final class FullMeshMembershipCheck {

	private FullMeshMembershipCheck() {
	}

	/**
	 * @param reaches whether the first node lists (connects to) the second
	 */
	static void check(Simulation sim, MembershipSchedule model, BiPredicate<Node, Node> reaches,
			Consumer<String> violations) {
		Set<NodeId> running = new HashSet<>();
		Set<NodeId> crashedMembers = new HashSet<>();
		for (int i = 0; i < model.size(); i++) {
			State state = model.state(i);
			NodeId id = NodeId.of(Simulation.name(i));
			if (state.member && state.alive) {
				running.add(id);
			}
			else if (state.member) {
				crashedMembers.add(id);
			}
		}
		SimNode reference = null;
		for (NodeId id : running) {
			SimNode node = sim.node(id);
			if (running.stream().allMatch((other) -> reaches.test(node.node(), sim.node(other).node()))) {
				reference = node;
				break;
			}
		}
		Set<NodeId> agreed = (reference != null) ? ids(reference.overlay().members()) : null;
		for (SimNode node : sim.live()) {
			NodeId id = node.node().id();
			Set<NodeId> members = ids(node.overlay().members());
			if (!running.contains(id)) {
				if (!members.equals(Set.of(id)) || !node.upMembers().isEmpty()) {
					violations.accept(
							id.name() + " is not a member, yet lists " + members + " and sees up " + node.upMembers());
				}
				continue;
			}
			Set<NodeId> reachedRunning = new HashSet<>();
			for (NodeId other : running) {
				if (!other.equals(id) && reaches.test(node.node(), sim.node(other).node())) {
					reachedRunning.add(other);
				}
			}
			if (agreed != null) {
				Set<NodeId> expected = new HashSet<>();
				for (NodeId other : agreed) {
					if (other.equals(id) || reaches.test(node.node(), sim.node(other).node())) {
						expected.add(other);
					}
				}
				if (!members.equals(expected)) {
					violations.accept(id.name() + " lists " + members + ", but " + reference.node().name() + " lists "
							+ agreed + " (as " + id.name() + " reaches them: " + expected + ")");
				}
			}
			Set<NodeId> extra = new HashSet<>(members);
			extra.removeAll(running);
			extra.removeAll(crashedMembers);
			if (!extra.isEmpty()) {
				violations.accept(id.name() + " lists nodes that are not members: " + extra);
			}
			Set<NodeId> missing = new HashSet<>(reachedRunning);
			missing.removeAll(members);
			if (!missing.isEmpty()) {
				violations.accept(id.name() + " does not list running members " + missing);
			}
			if (!node.upMembers().equals(reachedRunning)) {
				violations.accept(id.name() + " sees up " + node.upMembers() + ", expected " + reachedRunning);
			}
		}
	}

	private static Set<NodeId> ids(Set<Node> nodes) {
		Set<NodeId> ids = new HashSet<>();
		nodes.forEach((node) -> ids.add(node.id()));
		return ids;
	}

}
