package dev.partisan.pipeline;

import java.util.Locale;

import dev.partisan.dispatch.HandlerObservation;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import org.jspecify.annotations.Nullable;

/**
 * Gives an arriving application message or reply its {@value MessageConventions#RECEIVE}
 * observation, whose parent is the trace context in the frame. The observation starts on
 * the handler's worker when the handler's turn comes and is current while it runs, so
 * what the handler sends (a reply, a call of its own) continues the trace; a message
 * dropped before its turn is never observed. In reception it stands after de-duplication
 * (a duplicate is not observed twice); replies pass it on their way to the pending calls.
 */
public final class ObserveInbound implements InboundStage {

	private static final MessageConventions.Receive RECEIVE = new MessageConventions.Receive();

	private final ObservationRegistry registry;

	private final String overlay;

	public ObserveInbound(ObservationRegistry registry, String overlay) {
		this.registry = registry;
		this.overlay = overlay;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		Frame frame = envelope.frame();
		FrameKind kind = frame.kind();
		if (kind == FrameKind.DATA || kind == FrameKind.REPLY) {
			Kind spanKind = (kind == FrameKind.DATA && envelope.hasFlag(FrameCodec.FLAG_CALL)) ? Kind.SERVER
					: Kind.CONSUMER;
			// A reply names the handler that answered as its sender identity.
			String handler = (kind == FrameKind.REPLY) ? frame.senderIdentity() : frame.destination();
			MessageReceiverContext context = new MessageReceiverContext(spanKind, frame.trace(), frame.channel(),
					this.overlay, kind.name().toLowerCase(Locale.ROOT), envelope.sender().name(), handler);
			envelope.observation(new Receiving(this.registry, context));
		}
		return true;
	}

	/** One message's observation, started and stopped on the worker. */
	private static final class Receiving implements HandlerObservation {

		private final ObservationRegistry registry;

		private final MessageReceiverContext context;

		private @Nullable Observation observation;

		private Observation.@Nullable Scope scope;

		Receiving(ObservationRegistry registry, MessageReceiverContext context) {
			this.registry = registry;
			this.context = context;
		}

		@Override
		public void start() {
			Observation started = Observation.createNotStarted(null, RECEIVE, () -> this.context, this.registry)
				.start();
			this.observation = started;
			this.scope = started.openScope();
		}

		@Override
		public void stop(String outcome, @Nullable Throwable error) {
			Observation started = this.observation;
			Observation.Scope opened = this.scope;
			if (started == null || opened == null) {
				return;
			}
			this.context.outcome(outcome);
			if (error != null) {
				started.error(error);
			}
			opened.close();
			started.stop();
		}

	}

}
