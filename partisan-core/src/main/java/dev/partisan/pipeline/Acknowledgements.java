package dev.partisan.pipeline;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.delivery.AckTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both ends of acknowledgement on the message path: sending one for a message taken, and
 * receiving one.
 */
public final class Acknowledgements {

	private static final Logger logger = LoggerFactory.getLogger(Acknowledgements.class);

	private final AckTracker acks;

	private final ControlFrames frames;

	private final OutboundPath outbound;

	public Acknowledgements(AckTracker acks, ControlFrames frames, OutboundPath outbound) {
		this.acks = acks;
		this.frames = frames;
		this.outbound = outbound;
	}

	/**
	 * Acknowledges message {@code id} to {@code peer}; a lost acknowledgement is made
	 * good by the retransmission.
	 */
	public void send(NodeId peer, long id) {
		try {
			this.outbound.send(this.frames.ack(peer, id));
		}
		catch (PartisanException ex) {
			logger.debug("Acknowledgement of {} to {} not queued: {}", id, peer, ex.getMessage());
		}
	}

	/** An acknowledgement arrived: the sender stops retransmitting the message. */
	public void receive(InboundEnvelope envelope) {
		envelope.release();
		this.acks.acknowledge(envelope.sender(), envelope.frame().messageId());
	}

}
