package dev.partisan.membership;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plumtree on a hand-driven network: messages wait in one FIFO queue until the test
 * delivers them (and may lose some on purpose), and graft timers run only when the test
 * runs them. So every step of eager push, lazy announcement, prune and graft happens in
 * an order the test chose, without an overlay underneath.
 */
class PlumtreeTest {

	private static final Duration GRAFT_TIMEOUT = Duration.ofSeconds(1);

	private static final int PLENTY = 1_000;

	private final Network network = new Network();

	@Test
	void aBroadcastIsDeliveredHereAndPushedEagerlyToEveryNeighbour() {
		Member a = this.network.add("a");
		a.tree.neighborUp(NodeId.of("b"));
		a.tree.neighborUp(NodeId.of("c"));

		a.broadcast("hello");

		assertThat(a.delivered).containsExactly("a:hello");
		assertThat(this.network.describeInFlight()).containsExactly("a->b Gossip a/1 round 0",
				"a->c Gossip a/1 round 0");
	}

	@Test
	void aBroadcastIsPassedOnToEveryOtherNeighbourButNeverBackToWhereItCameFrom() {
		Member a = this.network.add("a");
		Member b = this.network.add("b");
		Member c = this.network.add("c");
		this.network.link(a, b);
		this.network.link(b, c);

		a.broadcast("hello");
		this.network.deliverAll(PLENTY);

		assertThat(b.delivered).containsExactly("a:hello");
		assertThat(c.delivered).containsExactly("a:hello");
		assertThat(this.network.describeSent()).containsExactly("a->b Gossip a/1 round 0", "b->c Gossip a/1 round 1");
	}

	@Test
	void aSecondCopyPrunesTheLinkItCameOnFromTheTree() {
		Member a = this.network.add("a");
		Member b = this.network.add("b");
		Member c = this.network.add("c");
		this.network.link(a, b);
		this.network.link(a, c);
		this.network.link(b, c);

		a.broadcast("first");
		this.network.deliverAll(PLENTY);

		assertThat(List.of(a.delivered, b.delivered, c.delivered))
			.allSatisfy((delivered) -> assertThat(delivered).containsExactly("a:first"));
		assertThat(b.tree.eagerPeers()).containsExactly(NodeId.of("a"));
		assertThat(b.tree.lazyPeers()).containsExactly(NodeId.of("c"));
		assertThat(c.tree.eagerPeers()).containsExactly(NodeId.of("a"));
		assertThat(c.tree.lazyPeers()).containsExactly(NodeId.of("b"));
		assertThat(this.network.countSent("Prune")).isEqualTo(2);
	}

	@Test
	void onceTheTreeHasFormedABroadcastCostsOneGossipPerNodeAndOnlyAnnouncementsElsewhere() {
		List<Member> members = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			members.add(this.network.add("n" + i));
		}
		for (int i = 0; i < members.size(); i++) {
			for (int j = i + 1; j < members.size(); j++) {
				this.network.link(members.get(i), members.get(j));
			}
		}
		members.get(0).broadcast("builds the tree");
		this.network.deliverAll(PLENTY);
		this.network.clearSent();

		members.get(0).broadcast("uses it");
		this.network.deliverAll(PLENTY);

		assertThat(this.network.countSent("Gossip")).isEqualTo(members.size() - 1);
		assertThat(this.network.countSent("Prune")).isZero();
		assertThat(this.network.countSent("Graft")).isZero();
		assertThat(members)
			.allSatisfy((member) -> assertThat(member.delivered).containsExactly("n0:builds the tree", "n0:uses it"));
	}

	@Test
	void everyMemberDeliversEveryBroadcastExactlyOnceWhoeverStartsIt() {
		List<Member> members = new ArrayList<>();
		Random random = new Random(42);
		for (int i = 0; i < 12; i++) {
			Member member = this.network.add("n" + i);
			// A connected graph with some redundancy: a link to one earlier member,
			// sometimes to a second.
			if (i > 0) {
				this.network.link(member, members.get(random.nextInt(i)));
				if (i > 2 && random.nextBoolean()) {
					this.network.link(member, members.get(random.nextInt(i)));
				}
			}
			members.add(member);
		}
		List<String> expected = new ArrayList<>();

		for (int round = 0; round < 6; round++) {
			Member origin = members.get(random.nextInt(members.size()));
			origin.broadcast("b" + round);
			expected.add(origin.name + ":b" + round);
			this.network.deliverAll(PLENTY);
			members.forEach((member) -> member.runTimers(PLENTY));
			this.network.deliverAll(PLENTY);
		}

		assertThat(members).allSatisfy((member) -> assertThat(member.delivered).containsExactlyElementsOf(expected));
	}

	@Test
	void anAnnouncedMessageThatNeverCameIsGraftedFromItsAnnouncer() {
		Member a = this.network.add("a");
		Member b = this.network.add("b");
		Member c = this.network.add("c");
		this.network.link(a, b);
		this.network.link(a, c);
		this.network.link(b, c);
		a.broadcast("builds the tree");
		this.network.deliverAll(PLENTY);
		this.network.clearSent();

		a.broadcast("lost on the way to c");
		this.network.deliverAll(PLENTY, (sent) -> sent.from.equals("a") && sent.to.equals("c"));
		assertThat(c.delivered).as("only announced so far").containsExactly("a:builds the tree");

		c.runNextTimer();
		this.network.deliverAll(PLENTY);
		// The graft also set a retry, in case its answer were lost too; now it has
		// nothing to do.
		c.runTimers(PLENTY);
		this.network.deliverAll(PLENTY);

		assertThat(c.delivered).containsExactly("a:builds the tree", "a:lost on the way to c");
		assertThat(this.network.countSent("Graft")).isEqualTo(1);
		assertThat(this.network.describeSent()).containsSubsequence("b->c IHave [a/2] round 1",
				"c->b Graft a/2 round 1", "b->c Gossip a/2 round 2");
		assertThat(c.tree.eagerPeers()).as("the repaired link is in the tree").contains(NodeId.of("b"));
		assertThat(b.tree.eagerPeers()).contains(NodeId.of("c"));
	}

	@Test
	void aMessageThatArrivesAfterItsAnnouncementButBeforeTheTimeoutNeedsNoGraft() {
		Member c = this.network.add("c");
		Plumtree.Gossip gossip = gossip("a", 1, "hello");

		c.tree.onMessage(NodeId.of("b"), new Plumtree.IHave(List.of(gossip.id()), 1));
		c.tree.onMessage(NodeId.of("a"), gossip);
		c.runTimers(PLENTY);

		assertThat(c.delivered).containsExactly("a:hello");
		assertThat(this.network.countSent("Graft")).isZero();
	}

	@Test
	void whileTheMessageIsMissingEachAnnouncerIsAskedInTurnThenNoMore() {
		Member c = this.network.add("c");
		Plumtree.Id id = new Plumtree.Id("a", 1);

		c.tree.onMessage(NodeId.of("b"), new Plumtree.IHave(List.of(id), 1));
		c.tree.onMessage(NodeId.of("d"), new Plumtree.IHave(List.of(id), 1));
		c.tree.onMessage(NodeId.of("b"), new Plumtree.IHave(List.of(id), 1));
		assertThat(c.timers).as("one timer per missing message").hasSize(1);
		c.runTimers(PLENTY);

		assertThat(this.network.describeSent()).containsExactly("c->b Graft a/1 round 1", "c->d Graft a/1 round 1");
	}

	@Test
	void aGraftIsAnsweredWithTheKeptMessageAndPutsTheLinkInTheTree() {
		Member b = this.network.add("b");
		b.tree.neighborUp(NodeId.of("c"));
		b.tree.onMessage(NodeId.of("c"), new Plumtree.Prune("c"));
		Plumtree.Gossip gossip = gossip("a", 1, "hello");
		b.tree.onMessage(NodeId.of("a"), gossip);
		this.network.clearSent();

		b.tree.onMessage(NodeId.of("c"), new Plumtree.Graft(gossip.id(), 3));

		assertThat(this.network.describeSent()).containsExactly("b->c Gossip a/1 round 4");
		assertThat(b.tree.eagerPeers()).contains(NodeId.of("c"));
		assertThat(b.tree.lazyPeers()).doesNotContain(NodeId.of("c"));
	}

	@Test
	void aGraftForAMessageNoLongerKeptStillPutsTheLinkInTheTreeButSendsNothing() {
		Member b = this.network.add("b", 2);
		for (long seq = 1; seq <= 3; seq++) {
			b.tree.onMessage(NodeId.of("a"), gossip("a", seq, "m" + seq));
		}
		this.network.clearSent();

		b.tree.onMessage(NodeId.of("c"), new Plumtree.Graft(new Plumtree.Id("a", 1), 0));
		b.tree.onMessage(NodeId.of("d"), new Plumtree.Graft(new Plumtree.Id("a", 3), 0));

		assertThat(this.network.describeSent()).containsExactly("b->d Gossip a/3 round 1");
		assertThat(b.tree.eagerPeers()).contains(NodeId.of("c"), NodeId.of("d"));
	}

	@Test
	void aPruneMovesAnEagerPeerToTheLazyOnesAndIgnoresOthers() {
		Member b = this.network.add("b");
		b.tree.neighborUp(NodeId.of("c"));

		b.tree.onMessage(NodeId.of("c"), new Plumtree.Prune("c"));
		b.tree.onMessage(NodeId.of("x"), new Plumtree.Prune("x"));

		assertThat(b.tree.eagerPeers()).isEmpty();
		assertThat(b.tree.lazyPeers()).containsExactly(NodeId.of("c"));
		b.tree.neighborUp(NodeId.of("c"));
		assertThat(b.tree.lazyPeers()).as("a peer already known stays lazy").containsExactly(NodeId.of("c"));
	}

	@Test
	void eachOriginIsRoutedBackThroughTheNeighbourItsBroadcastsCameFromUntilThatNeighbourGoesDown() {
		Member a = this.network.add("a");
		Member b = this.network.add("b");
		Member c = this.network.add("c");
		this.network.link(a, b);
		this.network.link(b, c);
		a.broadcast("from a");
		b.broadcast("from b");
		this.network.deliverAll(PLENTY);

		assertThat(c.tree.routes()).isEqualTo(Map.of("a", NodeId.of("b"), "b", NodeId.of("b")));
		assertThat(a.tree.routes()).isEqualTo(Map.of("b", NodeId.of("b")));

		c.tree.neighborDown(NodeId.of("b"));

		assertThat(c.tree.routes()).isEmpty();
		assertThat(c.tree.eagerPeers()).isEmpty();
	}

	@Test
	void anAnnouncerThatWentDownIsNotGraftedFrom() {
		Member c = this.network.add("c");
		Plumtree.Id id = new Plumtree.Id("a", 1);
		c.tree.onMessage(NodeId.of("b"), new Plumtree.IHave(List.of(id), 0));
		c.tree.onMessage(NodeId.of("d"), new Plumtree.IHave(List.of(id), 0));

		c.tree.neighborDown(NodeId.of("b"));
		c.runTimers(PLENTY);

		assertThat(this.network.describeSent()).containsExactly("c->d Graft a/1 round 0");
	}

	@Test
	void aDuplicateIsNotDeliveredAgainAndPrunesItsSender() {
		Member b = this.network.add("b");
		b.tree.neighborUp(NodeId.of("a"));
		b.tree.neighborUp(NodeId.of("c"));
		Plumtree.Gossip gossip = gossip("a", 1, "hello");
		b.tree.onMessage(NodeId.of("a"), gossip);
		this.network.clearSent();

		b.tree.onMessage(NodeId.of("c"), gossip);

		assertThat(b.delivered).containsExactly("a:hello");
		assertThat(this.network.describeSent()).containsExactly("b->c Prune from b");
		assertThat(b.tree.lazyPeers()).containsExactly(NodeId.of("c"));
	}

	@Test
	void messagesOfOtherProtocolsAreLeftToTheOverlay() {
		Member b = this.network.add("b");

		assertThat(b.tree.onMessage(NodeId.of("a"), new ControlMessage() {
		})).isFalse();
	}

	private static Plumtree.Gossip gossip(String origin, long seq, String text) {
		return new Plumtree.Gossip(new Plumtree.Id(origin, seq), 0, "chat", (byte) 2, "",
				text.getBytes(StandardCharsets.UTF_8));
	}

	/** A control message on its way, or sent. */
	private record Sent(String from, String to, ControlMessage message) {

		String describe() {
			return this.from + "->" + this.to + " " + Network.describe(this.message);
		}

	}

	/** The members and the messages between them, moved only when the test says so. */
	private static final class Network {

		private final Map<String, Member> members = new LinkedHashMap<>();

		private final Deque<Sent> inFlight = new ArrayDeque<>();

		private final List<Sent> sent = new ArrayList<>();

		Member add(String name) {
			return add(name, 100);
		}

		Member add(String name, int keep) {
			Member member = new Member(this, name, keep);
			this.members.put(name, member);
			return member;
		}

		void link(Member one, Member other) {
			one.tree.neighborUp(NodeId.of(other.name));
			other.tree.neighborUp(NodeId.of(one.name));
		}

		void send(Sent message) {
			this.sent.add(message);
			this.inFlight.add(message);
		}

		void deliverAll(int atMost) {
			deliverAll(atMost, (message) -> false);
		}

		/**
		 * Delivers in sending order, losing what {@code lose} matches; fails past
		 * {@code atMost} messages.
		 */
		void deliverAll(int atMost, Predicate<Sent> lose) {
			for (int i = 0; i < atMost && !this.inFlight.isEmpty(); i++) {
				Sent next = this.inFlight.remove();
				Member to = this.members.get(next.to());
				if (to != null && !lose.test(next)) {
					assertThat(to.tree.onMessage(NodeId.of(next.from()), next.message())).isTrue();
				}
			}
			assertThat(this.inFlight).as("messages still in flight after " + atMost).isEmpty();
		}

		List<String> describeInFlight() {
			return this.inFlight.stream().map(Sent::describe).toList();
		}

		List<String> describeSent() {
			return this.sent.stream().map(Sent::describe).toList();
		}

		long countSent(String type) {
			return this.sent.stream().filter((s) -> s.message().getClass().getSimpleName().equals(type)).count();
		}

		void clearSent() {
			this.sent.clear();
		}

		static String describe(ControlMessage message) {
			if (message instanceof Plumtree.Gossip gossip) {
				return "Gossip " + describe(gossip.id()) + " round " + gossip.round();
			}
			if (message instanceof Plumtree.IHave ihave) {
				return "IHave " + ihave.ids().stream().map(Network::describe).toList() + " round " + ihave.round();
			}
			if (message instanceof Plumtree.Graft graft) {
				return "Graft " + describe(graft.id()) + " round " + graft.round();
			}
			if (message instanceof Plumtree.Prune prune) {
				return "Prune from " + prune.from();
			}
			return message.toString();
		}

		private static String describe(Plumtree.Id id) {
			return id.origin() + "/" + id.seq();
		}

	}

	/** One node: its Plumtree, what it delivered and its pending graft timers. */
	private static final class Member implements Plumtree.Host, OverlayContext {

		final String name;

		final Plumtree tree;

		/** Delivered broadcasts as {@code origin:text}, in order. */
		final List<String> delivered = new ArrayList<>();

		final Deque<Runnable> timers = new ArrayDeque<>();

		private final Network network;

		private final Node node;

		Member(Network network, String name, int keep) {
			this.network = network;
			this.name = name;
			this.node = Node.of(name, "sim", 1);
			this.tree = new Plumtree(this, GRAFT_TIMEOUT, keep);
		}

		void broadcast(String text) {
			this.tree.broadcast("chat", (byte) 2, "", text.getBytes(StandardCharsets.UTF_8));
		}

		void runNextTimer() {
			this.timers.remove().run();
		}

		/**
		 * Runs the due timers, those they set included, as if their time had come; at
		 * most {@code atMost}.
		 */
		void runTimers(int atMost) {
			for (int i = 0; i < atMost && !this.timers.isEmpty(); i++) {
				this.timers.remove().run();
			}
			assertThat(this.timers).as("timers still set after " + atMost).isEmpty();
		}

		@Override
		public OverlayContext context() {
			return this;
		}

		@Override
		public void deliver(Node origin, Plumtree.Gossip gossip) {
			this.delivered.add(origin.name() + ":" + new String(gossip.payload(), StandardCharsets.UTF_8));
		}

		@Override
		public Node nodeNamed(String name) {
			return Node.of(name, "sim", 1);
		}

		@Override
		public Node localNode() {
			return this.node;
		}

		@Override
		public long incarnation() {
			return 1;
		}

		@Override
		public List<Node> seeds() {
			return List.of();
		}

		@Override
		public void connect(Node peer) {
		}

		@Override
		public void disconnect(NodeId peer) {
		}

		@Override
		public boolean isConnected(NodeId peer) {
			return true;
		}

		@Override
		public CompletableFuture<Void> send(NodeId peer, ControlMessage message) {
			this.network.send(new Sent(this.name, peer.name(), message));
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void membersChanged() {
		}

		@Override
		public void schedule(Duration period, Runnable task) {
			throw new UnsupportedOperationException("Plumtree schedules nothing periodic");
		}

		@Override
		public void scheduleOnce(Duration delay, Runnable task) {
			this.timers.add(task);
		}

		@Override
		public void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload) {
			throw new UnsupportedOperationException("Plumtree delivers through its host");
		}

		@Override
		public Random random() {
			return new Random(0);
		}

	}

}
