package dev.partisan.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

	/** An acknowledged message taken but not yet handled. */
	private record Pending(NodeId sender, long incarnation, long id) {
	}

	private static final Logger logger = LoggerFactory.getLogger(Acknowledgements.class);

	private final AckTracker acks;

	private final ControlFrames frames;

	private final OutboundPath outbound;

	/**
	 * Messages accepted and not yet handled: a retransmission of one is dropped without
	 * an acknowledgement, which goes once the handler has run. Bounded by the mailboxes
	 * and causal buffers these messages sit in.
	 */
	private final Set<Pending> pending = ConcurrentHashMap.newKeySet();

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

	/**
	 * Message {@code id} from {@code sender} was accepted: it is acknowledged once it is
	 * {@link #handled}, not before, so a crash before the handler ran makes the sender
	 * send it again.
	 */
	public void accepted(NodeId sender, long incarnation, long id) {
		this.pending.add(new Pending(sender, incarnation, id));
	}

	/** Whether message {@code id} was accepted and its handler has not run yet. */
	public boolean inProgress(NodeId sender, long incarnation, long id) {
		return this.pending.contains(new Pending(sender, incarnation, id));
	}

	/** The handler of an accepted message has run: acknowledge it now. */
	public void handled(NodeId sender, long incarnation, long id) {
		if (this.pending.remove(new Pending(sender, incarnation, id))) {
			send(sender, id);
		}
	}

	/** An accepted message was refused after all (a full mailbox): it will come again. */
	public void abandoned(NodeId sender, long incarnation, long id) {
		this.pending.remove(new Pending(sender, incarnation, id));
	}

	/** Messages accepted whose handler has not run yet. */
	public int inProgress() {
		return this.pending.size();
	}

	/** An acknowledgement arrived: the sender stops retransmitting the message. */
	public void receive(InboundEnvelope envelope) {
		envelope.release();
		this.acks.acknowledge(envelope.sender(), envelope.frame().messageId());
	}

}
