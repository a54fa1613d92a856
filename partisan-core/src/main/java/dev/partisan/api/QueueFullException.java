package dev.partisan.api;

/**
 * A lane's outbound queue is at its bound (messages or bytes); the message was refused
 * and counted as dropped. Usually the peer is unreachable or slower than the sender.
 */
public class QueueFullException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public QueueFullException(String message) {
		super(message);
	}

}
