package dev.partisan.pipeline;

import dev.partisan.transport.Transport;

/**
 * The last outbound stage: the transport queues the frame on the lane its chooser picks.
 */
public final class ToTransport implements OutboundStage {

	private final Transport transport;

	public ToTransport(Transport transport) {
		this.transport = transport;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		this.transport.send(envelope);
		return false;
	}

}
