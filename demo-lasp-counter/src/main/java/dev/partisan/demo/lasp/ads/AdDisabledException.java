package dev.partisan.demo.lasp.ads;

import dev.partisan.demo.lasp.crdt.AdState;

/**
 * A view of an ad that is disabled, or that this replica already knows has reached its
 * threshold.
 */
public class AdDisabledException extends RuntimeException {

	private final String ad;

	private final AdState state;

	public AdDisabledException(String ad, AdState state) {
		super("Ad " + ad + " is disabled: " + state.total() + " of " + state.threshold() + " impressions");
		this.ad = ad;
		this.state = state;
	}

	public String ad() {
		return this.ad;
	}

	public AdState state() {
		return this.state;
	}

}
