package dev.partisan.pipeline;

import java.util.List;

/**
 * The stages every outgoing frame passes through, in order: data, replies,
 * acknowledgements, heartbeats, control messages, retransmissions and relays alike; each
 * stage skips what it is not for. Runs on the sending thread and does not block: the last
 * stage only queues.
 */
public final class OutboundPath {

	private final OutboundStage[] stages;

	public OutboundPath(List<OutboundStage> stages) {
		this.stages = stages.toArray(OutboundStage[]::new);
	}

	/**
	 * Sends {@code envelope} on its way. Whatever the outcome the envelope's buffers are
	 * taken care of.
	 * @throws RuntimeException when a stage refuses the message (unknown node, too large,
	 * queue full...)
	 */
	public void send(OutboundEnvelope envelope) {
		try {
			for (OutboundStage stage : this.stages) {
				if (!stage.apply(envelope)) {
					envelope.done(null);
					return;
				}
			}
			envelope.release();
			envelope.done(null);
		}
		catch (RuntimeException ex) {
			envelope.abort();
			envelope.done(ex);
			throw ex;
		}
	}

	/** The stages' names, in order, for diagnostics. */
	public List<String> stageNames() {
		return List.of(this.stages).stream().map((stage) -> stage.getClass().getSimpleName()).toList();
	}

}
