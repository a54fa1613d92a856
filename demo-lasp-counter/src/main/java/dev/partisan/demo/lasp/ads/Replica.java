package dev.partisan.demo.lasp.ads;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.partisan.api.Partisan;
import dev.partisan.demo.lasp.crdt.AdMap;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.runtime.PartisanNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's replica of every ad it knows. All changes are inflations of the lattice — a
 * local view, a state merged from a neighbour, a server disabling an ad — applied
 * atomically per ad, so concurrent views and incoming states never lose each other's
 * effects.
 *
 * <p>
 * The counter entry this node increments is named by the node <em>and its
 * incarnation</em> ({@link #replicaId()}). A client that restarts begins with an empty
 * replica; reusing its old entry would make its new views hide below the count the
 * servers already hold for it (merge is a maximum), and copying the old count back first
 * would need a round trip before the first view. A fresh entry per incarnation needs
 * neither: the old entry keeps its count, the new one adds to it. The price is one entry
 * per incarnation in each counter.
 */
public class Replica {

	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	private final ConcurrentMap<String, AdState> ads = new ConcurrentHashMap<>();

	private final String node;

	private final Role role;

	private final String replicaId;

	/**
	 * @param node this node's name
	 * @param role what it does in the case study
	 * @param incarnation which start of the node this is (larger at every start)
	 */
	public Replica(String node, Role role, long incarnation) {
		this.node = node;
		this.role = role;
		// Base 36 keeps the id short in GET /crdt; the incarnation grows at every start,
		// so ids never repeat.
		this.replicaId = node + "#" + Long.toString(incarnation, 36);
	}

	/**
	 * The replica of a running Partisan node: its name, its role from its tag, its
	 * incarnation.
	 */
	public static Replica of(Partisan partisan) {
		long incarnation = (partisan instanceof PartisanNode partisanNode) ? partisanNode.incarnation()
				: System.currentTimeMillis() * 1000;
		return new Replica(partisan.localNode().name(), Role.of(partisan.localNode()), incarnation);
	}

	public String node() {
		return this.node;
	}

	public Role role() {
		return this.role;
	}

	/** The counter entry this incarnation of the node increments. */
	public String replicaId() {
		return this.replicaId;
	}

	/**
	 * A client displays the ad: its own counter entry goes up by one, unless the ad is
	 * disabled or this replica already counts {@code threshold} impressions. The check
	 * and the increment are one atomic step, so concurrent views on one client never pass
	 * the threshold together.
	 * @return the ad's state after the view
	 * @throws NotAClientException on a server
	 * @throws UnknownAdException when this replica has not heard of the ad
	 * @throws AdDisabledException when the ad may no longer be shown
	 */
	public AdState view(String ad) {
		if (this.role != Role.CLIENT) {
			throw new NotAClientException(this.node);
		}
		AdState[] refused = new AdState[1];
		AdState after = this.ads.computeIfPresent(ad, (id, state) -> {
			if (!state.showable()) {
				refused[0] = state;
				return state;
			}
			return state.viewedBy(this.replicaId);
		});
		if (after == null) {
			throw new UnknownAdException(ad);
		}
		if (refused[0] != null) {
			throw new AdDisabledException(ad, refused[0]);
		}
		return after;
	}

	/**
	 * Creates an ad (servers do, at start-up); creating it twice, or on two servers, is
	 * harmless.
	 */
	public void create(String ad, long threshold) {
		merge(ad, AdState.created(threshold));
	}

	/**
	 * Merges a state received for {@code ad}. On a server, a merged state that reaches
	 * the threshold is disabled right away, and the flag travels to everyone with the
	 * next sync.
	 * @return whether this replica learned something
	 */
	public boolean merge(String ad, AdState incoming) {
		AdState[] before = new AdState[1];
		AdState after = this.ads.merge(ad, settle(incoming), (mine, theirs) -> {
			before[0] = mine;
			return settle(mine.merge(theirs));
		});
		if (after.disabled() && (before[0] == null || !before[0].disabled()) && this.role == Role.SERVER
				&& !incoming.disabled()) {
			logger.info("{} disabled {}: {} of {} impressions", this.node, ad, after.total(), after.threshold());
		}
		return before[0] == null || !after.equals(before[0]);
	}

	/** Merges every ad of {@code state}. */
	public void mergeAll(AdMap state) {
		state.ads().forEach(this::merge);
	}

	public Optional<AdState> get(String ad) {
		return Optional.ofNullable(this.ads.get(ad));
	}

	/**
	 * A consistent copy per ad (each ad's state is read atomically; ads are not read at
	 * one instant).
	 */
	public AdMap snapshot() {
		return new AdMap(this.ads);
	}

	/**
	 * Servers are the authority that disables: a state at its threshold gets the flag
	 * when it passes one.
	 */
	private AdState settle(AdState state) {
		return (this.role == Role.SERVER && state.reachedThreshold()) ? state.disable() : state;
	}

}
