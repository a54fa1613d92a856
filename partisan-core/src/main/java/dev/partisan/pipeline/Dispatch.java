package dev.partisan.pipeline;

import dev.partisan.dispatch.Dispatcher;

/**
 * Hands the message to its handler's mailbox. A full mailbox pauses the connection it
 * came on (read back-pressure); without a connection to pause, it refuses the message.
 */
public final class Dispatch implements InboundStage {

	private final Dispatcher dispatcher;

	public Dispatch(Dispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		if (!envelope.handled()) {
			envelope.handled(this.dispatcher.dispatch(envelope.delivery(), envelope.flow()));
		}
		return true;
	}

}
