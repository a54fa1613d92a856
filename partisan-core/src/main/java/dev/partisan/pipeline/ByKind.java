package dev.partisan.pipeline;

/**
 * Sends each arriving frame where its kind is handled: application data to reception,
 * replies to the pending calls, acknowledgements to the tracker, relays to the relaying
 * stage (whose unwrapped frame comes back here), control messages to the node's control
 * loop. Heartbeats need nothing more: arriving was their purpose.
 */
public final class ByKind implements InboundStage {

	private final InboundPath reception;

	private final InboundPath replies;

	private final Acknowledgements acknowledgements;

	private final Relaying relaying;

	private final ControlIn control;

	/**
	 * @param replies the path of replies, which ends at the pending calls
	 * ({@link Calls#stage()})
	 */
	public ByKind(InboundPath reception, InboundPath replies, Acknowledgements acknowledgements, Relaying relaying,
			ControlIn control) {
		this.reception = reception;
		this.replies = replies;
		this.acknowledgements = acknowledgements;
		this.relaying = relaying;
		this.control = control;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		switch (envelope.frame().kind()) {
			case DATA -> this.reception.receive(envelope);
			case REPLY -> this.replies.receive(envelope);
			case ACK -> this.acknowledgements.receive(envelope);
			case RELAY -> {
				InboundEnvelope inner = this.relaying.receive(envelope);
				if (inner != null) {
					apply(inner);
				}
			}
			case CONTROL -> this.control.receive(envelope);
			default -> envelope.release();
		}
		return false;
	}

}
