package dev.partisan.pipeline;

import java.util.function.BiConsumer;

import dev.partisan.api.LogText;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.membership.ControlMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes an overlay's control message (only the types the overlay registered) and hands
 * it to the node's control loop, which runs the overlay on its own thread.
 */
public final class ControlIn {

	private static final Logger logger = LoggerFactory.getLogger(ControlIn.class);

	private final ControlCodec codec;

	private final BiConsumer<NodeId, ControlMessage> controlLoop;

	/**
	 * Once per sender and minute: a peer cannot flood the log with undecodable messages.
	 */
	private final RateLimitedLog refusals = new RateLimitedLog(logger);

	public ControlIn(ControlCodec codec, BiConsumer<NodeId, ControlMessage> controlLoop) {
		this.codec = codec;
		this.controlLoop = controlLoop;
	}

	public void receive(InboundEnvelope envelope) {
		ControlMessage message;
		try {
			message = this.codec.decode(envelope.frame().destination(), envelope.frame().payload());
		}
		catch (PartisanException ex) {
			this.refusals.warn(envelope.sender().name(), "Dropped a control message from {}: {}",
					envelope.from().node(), LogText.escape(ex.getMessage()));
			return;
		}
		finally {
			envelope.release();
		}
		this.controlLoop.accept(envelope.sender(), message);
	}

}
