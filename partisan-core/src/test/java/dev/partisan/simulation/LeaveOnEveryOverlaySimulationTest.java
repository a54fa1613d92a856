package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.Overlay;
import dev.partisan.pubsub.PubSubOverlay;
import dev.partisan.simulation.Simulation.MemberEvent;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One leave contract, checked the same way on full-mesh, client-server, pub-sub and
 * peer-to-peer, on the simulator (which drives the real overlay classes over a jittered
 * network, so messages overtake each other): a node that leaves, or that another removes,
 * is dropped by everyone as {@code LEFT} — never {@code UNREACHABLE} — is still out 30 s
 * (virtual) later, considers itself out, and can join again; a leave issued 0–5 ms after
 * a join converged holds in 200 rounds; two or three nodes leaving at the same instant
 * are all reported {@code LEFT}. Every failure message names the overlay, the seed and
 * the round.
 */
class LeaveOnEveryOverlaySimulationTest {

	private static final Duration LATENCY = Duration.ofMillis(1);

	private static final Duration DETECTION = Duration.ofSeconds(1);

	private static final Duration GOSSIP = Duration.ofMillis(20);

	/** Views of 3 and 6, shuffling every second: small clusters fill them. */
	private static final HyParViewOverlay.Settings HYPARVIEW = new HyParViewOverlay.Settings(3, 6, 4, 2,
			Duration.ofSeconds(1), 2, 2, Duration.ZERO);

	/** The overlays under test, and how each says who should list whom. */
	enum Kind {

		FULL_MESH(Duration.ofMillis(200)) {
			@Override
			Overlay overlay(Node node) {
				return new FullMeshOverlay(GOSSIP);
			}
		},

		/** The first two nodes are servers, the rest clients. */
		CLIENT_SERVER(Duration.ofMillis(200)) {
			@Override
			Node node(String name, int index) {
				return new Node(NodeId.of(name), "sim", 1 + index,
						(index < 2) ? ClientServerReach.SERVER : ClientServerReach.CLIENT);
			}

			@Override
			Overlay overlay(Node node) {
				return ClientServerReach.overlay(node, GOSSIP);
			}

			@Override
			boolean shouldList(SimNode observer, SimNode member) {
				return ClientServerReach.SERVER.equals(observer.node().tag())
						|| ClientServerReach.SERVER.equals(member.node().tag());
			}
		},

		/**
		 * Announcements through a broker (the simulator carries them): a node is a member
		 * from its start, a join only ends a leave.
		 */
		PUB_SUB(Duration.ofSeconds(1)) {
			@Override
			Overlay overlay(Node node) {
				return PubSubOverlay.announcingEvery(Duration.ofMillis(200));
			}
		},

		/**
		 * Members are the active view; the leaver must also be gone from passive views.
		 */
		PEER_TO_PEER(Duration.ofSeconds(3)) {
			@Override
			Overlay overlay(Node node) {
				return new HyParViewOverlay(HYPARVIEW);
			}

			@Override
			Set<NodeId> knows(SimNode observer) {
				Set<NodeId> known = super.knows(observer);
				((HyParViewOverlay) observer.overlay()).passiveView().forEach((node) -> known.add(node.id()));
				return known;
			}

			@Override
			boolean converged(List<SimNode> cluster, SimNode joiner) {
				Set<NodeId> active = ids(joiner.overlay().members());
				active.remove(joiner.node().id());
				if (active.isEmpty()) {
					return false;
				}
				for (SimNode node : cluster) {
					if (active.contains(node.node().id())
							&& !ids(node.overlay().members()).contains(joiner.node().id())) {
						return false;
					}
				}
				return true;
			}
		};

		/** How long news of a leave takes to settle, at most, between checks. */
		final Duration settles;

		Kind(Duration settles) {
			this.settles = settles;
		}

		Node node(String name, int index) {
			return new Node(NodeId.of(name), "sim", 1 + index, null);
		}

		abstract Overlay overlay(Node node);

		/** Whether {@code observer} lists {@code member} once a join has converged. */
		boolean shouldList(SimNode observer, SimNode member) {
			return true;
		}

		/** Every node {@code observer} knows as a member or may take back as one. */
		Set<NodeId> knows(SimNode observer) {
			Set<NodeId> known = ids(observer.overlay().members());
			known.remove(observer.node().id());
			return known;
		}

		boolean converged(List<SimNode> cluster, SimNode joiner) {
			for (SimNode node : cluster) {
				if (shouldList(node, joiner) && !ids(node.overlay().members()).contains(joiner.node().id())) {
					return false;
				}
				if (shouldList(joiner, node) && !ids(joiner.overlay().members()).contains(node.node().id())) {
					return false;
				}
			}
			return true;
		}

	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void aNodeThatLeftIsReportedLeftStaysOutThirtySecondsLaterAndJoinsAgain(Kind kind) {
		for (long seed = 1; seed <= 5; seed++) {
			Simulation sim = new Simulation(seed, LATENCY, DETECTION);
			List<SimNode> cluster = cluster(sim, kind, 4);
			SimNode leaver = sim.add(kind.node("l", 9), kind.overlay(kind.node("l", 9)));
			String where = kind + ", seed " + seed;
			joinAndConverge(sim, kind, cluster, leaver, cluster.get(0), where);
			Duration leftAt = sim.elapsed();

			leaver.leave();
			sim.runFor(Duration.ofSeconds(30));

			assertOut(kind, cluster, leaver, where + ", 30 s after it left");
			assertReportedLeft(sim, cluster, leaver, leftAt, where);
			joinAndConverge(sim, kind, cluster, leaver, cluster.get(cluster.size() - 1), where + ", joining again");
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void aNodeRemovedByAnotherIsReportedLeftConsidersItselfOutThirtySecondsLaterAndJoinsAgain(Kind kind) {
		for (long seed = 1; seed <= 5; seed++) {
			Simulation sim = new Simulation(seed, LATENCY, DETECTION);
			List<SimNode> cluster = cluster(sim, kind, 4);
			SimNode removed = sim.add(kind.node("r", 9), kind.overlay(kind.node("r", 9)));
			String where = kind + ", seed " + seed;
			joinAndConverge(sim, kind, cluster, removed, cluster.get(0), where);
			// The last node: on client-server a client, which removes another client
			// through the servers once it has heard of it (a removal of a node this one
			// has not heard of is refused).
			sim.runFor(kind.settles);
			Duration removedAt = sim.elapsed();
			assertThat(cluster.get(cluster.size() - 1).remove(removed.node().id())).as("the removal (%s)", where)
				.isNotCompletedExceptionally();
			sim.runFor(Duration.ofSeconds(30));

			assertOut(kind, cluster, removed, where + ", 30 s after its removal");
			assertReportedLeft(sim, cluster, removed, removedAt, where);
			joinAndConverge(sim, kind, cluster, removed, cluster.get(1), where + ", joining again");
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void aLeaveOrRemovalIssuedZeroToFiveMillisecondsAfterAJoinConvergedSticksInTwoHundredRounds(Kind kind) {
		for (long seed : new long[] { 1, 2, 3 }) {
			Simulation sim = new Simulation(seed, LATENCY, DETECTION);
			Random random = new Random(seed);
			List<SimNode> cluster = cluster(sim, kind, 3);
			SimNode leaver = sim.add(kind.node("l", 9), kind.overlay(kind.node("l", 9)));
			for (int round = 0; round < 200; round++) {
				String where = kind + ", seed " + seed + ", round " + round;
				joinAndConverge(sim, kind, cluster, leaver, seedFor(kind, cluster, random), where);
				Duration leftAt = sim.elapsed();
				sim.runFor(Duration.ofMillis(random.nextInt(6)));
				boolean removedByAnother = random.nextBoolean();
				if (removedByAnother) {
					// On client-server a server: a client may not have heard of the
					// joiner
					// yet, and refuses to remove a node it has not heard of.
					assertThat(seedFor(kind, cluster, random).remove(leaver.node().id())).as("the removal (%s)", where)
						.isNotCompletedExceptionally();
				}
				else {
					leaver.leave();
				}
				sim.runFor(kind.settles);
				String what = where + (removedByAnother ? ", after its removal" : ", after it left");
				assertOut(kind, cluster, leaver, what);
				for (SimNode member : cluster) {
					// Three nodes: on every overlay each lists all three (a client:
					// itself
					// and the two servers; a peer: its active view of two, and itself).
					assertThat(ids(member.overlay().members()))
						.as("%s lists its cluster (%s)", member.node().name(), what)
						.contains(member.node().id())
						.hasSize(cluster.size());
				}
				assertReportedLeft(sim, cluster, leaver, leftAt, where);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void twoOrThreeNodesLeavingAtTheSameInstantAreAllReportedLeft(Kind kind) {
		for (long seed = 1; seed <= 50; seed++) {
			Simulation sim = new Simulation(seed, LATENCY, DETECTION);
			Random random = new Random(seed);
			List<SimNode> cluster = cluster(sim, kind, 6);
			String where = kind + ", seed " + seed;
			// Never the first node: on client-server one server stays.
			List<SimNode> leavers = new ArrayList<>(cluster.subList(1, cluster.size()));
			java.util.Collections.shuffle(leavers, random);
			leavers = leavers.subList(0, 2 + random.nextInt(2));
			List<SimNode> stayers = new ArrayList<>(cluster);
			stayers.removeAll(leavers);
			Duration leftAt = sim.elapsed();

			leavers.forEach(SimNode::leave);
			sim.runFor(DETECTION.multipliedBy(3).plus(kind.settles));

			for (SimNode leaver : leavers) {
				String what = where + ", " + names(leavers) + " left together";
				assertOut(kind, stayers, leaver, what);
				assertReportedLeft(sim, stayers, leaver, leftAt, what);
			}
		}
	}

	/** {@code size} nodes, each joined through the first; converged. */
	private static List<SimNode> cluster(Simulation sim, Kind kind, int size) {
		List<SimNode> cluster = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Node node = kind.node("n" + i, i);
			SimNode added = sim.add(node, kind.overlay(node));
			if (i > 0) {
				joinAndConverge(sim, kind, cluster, added, cluster.get(0), kind + ", forming the cluster");
			}
			cluster.add(added);
		}
		sim.runFor(kind.settles);
		return cluster;
	}

	/** A member the joiner may join through (on client-server, a server). */
	private static SimNode seedFor(Kind kind, List<SimNode> cluster, Random random) {
		return (kind == Kind.CLIENT_SERVER) ? cluster.get(random.nextInt(2))
				: cluster.get(random.nextInt(cluster.size()));
	}

	private static void joinAndConverge(Simulation sim, Kind kind, List<SimNode> cluster, SimNode joiner, SimNode seed,
			String where) {
		joiner.join(seed);
		for (int step = 0; step < 2000 && !kind.converged(cluster, joiner); step++) {
			sim.runFor(Duration.ofMillis(1));
		}
		assertThat(kind.converged(cluster, joiner))
			.as("%s joined through %s and converged within 2 s (%s)", joiner.node().name(), seed.node().name(), where)
			.isTrue();
	}

	/** No one lists {@code gone} (nor may take it back), and it lists only itself. */
	private static void assertOut(Kind kind, List<SimNode> cluster, SimNode gone, String where) {
		for (SimNode member : cluster) {
			assertThat(kind.knows(member)).as("%s's members (%s)", member.node().name(), where)
				.doesNotContain(gone.node().id());
		}
		assertThat(ids(gone.overlay().members())).as("%s considers itself out (%s)", gone.node().name(), where)
			.containsExactly(gone.node().id());
	}

	/**
	 * Every member that had {@code gone} up when it left saw it go down as {@code LEFT},
	 * and no member reported it down any other way since (on peer-to-peer, a move out of
	 * the active view is not a down report).
	 */
	private static void assertReportedLeft(Simulation sim, List<SimNode> cluster, SimNode gone, Duration since,
			String where) {
		for (SimNode member : cluster) {
			List<MemberEvent> reports = new ArrayList<>();
			boolean upAtTheLeave = false;
			for (MemberEvent event : sim.memberEvents()) {
				if (!event.observer().equals(member.node().id()) || !event.peer().id().equals(gone.node().id())) {
					continue;
				}
				if (event.at().compareTo(since) <= 0) {
					upAtTheLeave = event.up();
				}
				else {
					reports.add(event);
				}
			}
			assertThat(reports).as("what %s reported of %s (%s)", member.node().name(), gone.node().name(), where)
				.allSatisfy((event) -> assertThat(event.reason()).isIn(null, DownReason.LEFT));
			if (upAtTheLeave) {
				assertThat(reports).as("%s reported %s LEFT (%s)", member.node().name(), gone.node().name(), where)
					.anySatisfy((event) -> assertThat(event.reason()).isEqualTo(DownReason.LEFT));
			}
		}
	}

	private static Set<NodeId> ids(java.util.Collection<Node> nodes) {
		Set<NodeId> ids = new HashSet<>();
		nodes.forEach((node) -> ids.add(node.id()));
		return ids;
	}

	private static List<String> names(List<SimNode> nodes) {
		return nodes.stream().map((node) -> node.node().name()).toList();
	}

}
