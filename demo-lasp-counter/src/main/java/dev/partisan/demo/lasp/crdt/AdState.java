package dev.partisan.demo.lasp.crdt;

/**
 * One advertisement's replicated state, a product of three lattices merged component by
 * component: its impression threshold (a max-register: every replica that knows the ad
 * agrees on it, and the maximum makes the merge total), its views (a {@link GCounter})
 * and whether it is disabled (a monotone boolean: {@code false ⊑ true}, merge is "or" —
 * once disabled, never enabled again).
 *
 * <p>
 * Disabling is a monotone consequence of the counter: the counter only grows, so once a
 * replica sees {@code views ≥ threshold} every later state does too, and setting the flag
 * then can never be contradicted by another replica. That is Lasp's point — a threshold
 * read of a monotone value needs no coordination.
 *
 * @param threshold impressions after which the ad is disabled
 * @param views the ad's view counter
 * @param disabled whether a replica with the authority to do so has disabled the ad
 */
public record AdState(long threshold, GCounter views, boolean disabled) implements Lattice<AdState> {

	public AdState {
		if (threshold < 1) {
			throw new IllegalArgumentException("An ad's threshold must be at least 1, not " + threshold);
		}
	}

	/** A new ad: no views, enabled. */
	public static AdState created(long threshold) {
		return new AdState(threshold, GCounter.zero(), false);
	}

	/** The total impressions. */
	public long total() {
		return this.views.value();
	}

	/**
	 * Whether the counter has reached the threshold (whether or not the flag is set yet).
	 */
	public boolean reachedThreshold() {
		return total() >= this.threshold;
	}

	/**
	 * Whether a client may still show the ad: not disabled, and not known to have reached
	 * its threshold.
	 */
	public boolean showable() {
		return !this.disabled && !reachedThreshold();
	}

	public AdState viewedBy(String replica) {
		return new AdState(this.threshold, this.views.increment(replica), this.disabled);
	}

	/** This state with the flag set; an inflation, so it can be merged anywhere. */
	public AdState disable() {
		return this.disabled ? this : new AdState(this.threshold, this.views, true);
	}

	/**
	 * The componentwise merge; this state or {@code other} itself when it already covers
	 * the other (so a state that did not change stays the same object, and a node that
	 * keeps sending it sends the frame it encoded before).
	 */
	@Override
	public AdState merge(AdState other) {
		GCounter views = this.views.merge(other.views);
		if (views == this.views && this.threshold >= other.threshold && (this.disabled || !other.disabled)) {
			return this;
		}
		if (views == other.views && other.threshold >= this.threshold && (other.disabled || !this.disabled)) {
			return other;
		}
		return new AdState(Math.max(this.threshold, other.threshold), views, this.disabled || other.disabled);
	}

}
