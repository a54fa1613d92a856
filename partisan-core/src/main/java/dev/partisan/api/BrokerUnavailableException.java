package dev.partisan.api;

/**
 * The pub-sub overlay's broker cannot be reached: the message was not sent. The node
 * reconnects by itself; an acknowledged message ({@code ack}) already accepted is
 * retransmitted once it is back.
 */
public class BrokerUnavailableException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public BrokerUnavailableException(String message) {
		super(message);
	}

}
