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

}
