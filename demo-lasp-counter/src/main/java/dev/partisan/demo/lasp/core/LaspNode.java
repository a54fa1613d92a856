package dev.partisan.demo.lasp.core;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import dev.partisan.demo.lasp.ads.AdDisabledException;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.ads.Role;
import dev.partisan.demo.lasp.crdt.AdMap;

/**
 * One node of the advertisement counter, whatever carries its messages: a Spring Boot
 * application on a real Partisan node, or a simulated node in the scale experiment. It
 * owns the node's {@link Replica} and says what happens at each step; the caller decides
 * when steps happen (a scheduler, or virtual time) and how an {@link AdUpdate} reaches a
 * neighbour (the {@link Outbox}).
 */
public final class LaspNode {

	/** Where one round's states go: the caller's way of sending to a neighbour. */
	@FunctionalInterface
	public interface Outbox {

		/**
		 * Sends {@code update} to {@code neighbour}; a failure is the caller's to handle
		 * (the next round sends the state again).
		 */
		void send(String neighbour, AdUpdate update);

	}

	private final Replica replica;

	private final List<String> ads;

	private final long threshold;

	/**
	 * @param replica this node's replica
	 * @param ads the ads servers create
	 * @param threshold impressions after which an ad is disabled
	 */
	public LaspNode(Replica replica, List<String> ads, long threshold) {
		this.replica = replica;
		this.ads = List.copyOf(ads);
		this.threshold = threshold;
	}

	public Replica replica() {
		return this.replica;
	}

	/**
	 * At start-up a server creates the configured ads; a client creates nothing and
	 * learns them from the servers' state, as Lasp's clients read the set of ads a server
	 * maintains. Every server creates the same ads, which merge into one: no server has
	 * to be first.
	 */
	public void open() {
		if (this.replica.role() == Role.SERVER) {
			this.ads.forEach((ad) -> this.replica.create(ad, this.threshold));
		}
	}

	/**
	 * One propagation round, as the papers' Lasp nodes do at each interval: the full
	 * state of every ad to every neighbour, one {@link AdUpdate} per ad.
	 * @param neighbours the members this node is connected to — the overlay decides who
	 * they are
	 * @return the number of updates handed to the outbox
	 */
	public int round(List<String> neighbours, Outbox outbox) {
		AdMap state = this.replica.snapshot();
		int sent = 0;
		for (String neighbour : neighbours) {
			for (var entry : state.ads().entrySet()) {
				outbox.send(neighbour, new AdUpdate(entry.getKey(), entry.getValue()));
				sent++;
			}
		}
		return sent;
	}

	/** A neighbour's state of one ad arrived: merge it. */
	public boolean receive(AdUpdate update) {
		return this.replica.merge(update.ad(), update.state());
	}

	/** A stopping neighbour's whole replica arrived: merge every ad. */
	public void receiveAll(AdMap state) {
		this.replica.mergeAll(state);
	}

	/**
	 * The papers' simulated device: shows one of the ads this replica may still show,
	 * picked at random. Servers show nothing.
	 * @return the ad shown, or empty when there is none left to show (or on a server)
	 */
	public Optional<String> viewRandomAd(Random random) {
		if (this.replica.role() != Role.CLIENT) {
			return Optional.empty();
		}
		List<String> showable = this.replica.snapshot()
			.ads()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().showable())
			.map((entry) -> entry.getKey())
			.toList();
		if (showable.isEmpty()) {
			return Optional.empty();
		}
		String ad = showable.get(random.nextInt(showable.size()));
		try {
			this.replica.view(ad);
			return Optional.of(ad);
		}
		catch (AdDisabledException ex) {
			// Disabled between the snapshot and the view: the next tick picks another.
			return Optional.empty();
		}
	}

	/**
	 * Whether this replica knows every one of its ads disabled (and knows at least one
	 * ad).
	 */
	public boolean allDisabled() {
		AdMap state = this.replica.snapshot();
		return !state.ads().isEmpty() && state.ads().values().stream().allMatch((ad) -> ad.disabled());
	}

}
