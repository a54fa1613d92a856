package dev.partisan.dispatch;

import org.jspecify.annotations.Nullable;

/**
 * What observes one delivery while its handler runs (or while a call's reply is decoded):
 * it starts on the worker just before, is the current observation while the handler
 * works, so that what the handler sends continues its trace, and stops after. The
 * pipeline makes it; the dispatcher only brackets the work with it.
 */
public interface HandlerObservation {

	/** Observes nothing: for deliveries of a node without observations. */
	HandlerObservation NONE = new HandlerObservation() {

		@Override
		public void start() {
		}

		@Override
		public void stop(String outcome, @Nullable Throwable error) {
		}

	};

	/** The work is about to begin on this thread. */
	void start();

	/**
	 * The work is over, on the thread that {@link #start() started} it.
	 * @param outcome {@link #HANDLED}, {@link #FAILED} or {@link #REJECTED}
	 * @param error what the handler threw or why the payload did not decode, if anything
	 */
	void stop(String outcome, @Nullable Throwable error);

	/** The handler ran and returned (a reply was decoded). */
	String HANDLED = "handled";

	/** The handler threw (the call failed on the remote node). */
	String FAILED = "failed";

	/** The payload did not decode for the handler, which did not run. */
	String REJECTED = "rejected";

}
