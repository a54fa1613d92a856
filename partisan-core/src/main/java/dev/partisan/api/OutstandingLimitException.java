package dev.partisan.api;

/**
 * Too many acknowledged messages to one peer await their acknowledgement; the message was
 * not sent. Usually the peer is down or much slower than the sender.
 */
public class OutstandingLimitException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public OutstandingLimitException(NodeId peer, int limit) {
		super("Already " + limit + " acknowledged messages to '" + peer + "' await acknowledgement "
				+ "(partisan.max-outstanding-acks); the message was not sent");
	}

}
