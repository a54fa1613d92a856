package dev.partisan.transport;

/**
 * The connection a delivery was read from, as far as back-pressure needs it: a full
 * mailbox pauses it instead of dropping, and resumes it once the mailbox has drained to
 * half. Pauses nest; reading resumes when every pause has been lifted. Both may be called
 * from any thread.
 */
public interface InboundFlow {

	/**
	 * Stop reading from this connection (the peer's sends then queue on its side, bounded
	 * there).
	 */
	void pause();

	/** Lift one {@link #pause()}. */
	void resume();

	/**
	 * Runs {@code task} once the frames this connection is reading now have all been
	 * taken (a socket read holds many small frames), or at once when nothing is being
	 * read on the calling thread. A mailbox wakes its worker this way: once for the
	 * frames of a read rather than each time the worker, faster than the frames come, has
	 * emptied it in between.
	 */
	default void afterRead(Runnable task) {
		task.run();
	}

}
