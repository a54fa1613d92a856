package dev.partisan.pipeline;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.NodeId;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import org.jspecify.annotations.Nullable;

/**
 * Observes an application message or a reply leaving this node: a
 * {@value MessageConventions#SEND} observation, or for a call a
 * {@value MessageConventions#CALL} one that lasts until the reply. Starting it writes the
 * trace context into the envelope's trace map, which framing puts in the frame. The first
 * stage, so that the observation also sees a message that fails to encode; a message for
 * this very node is not observed (it is not framed, and carries no trace).
 */
public final class Observe implements OutboundStage {

	private static final MessageConventions.Send SEND = new MessageConventions.Send();

	private static final MessageConventions.Call CALL = new MessageConventions.Call();

	private final ObservationRegistry registry;

	private final NodeId local;

	private final String overlay;

	public Observe(ObservationRegistry registry, NodeId local, String overlay) {
		this.registry = registry;
		this.local = local;
		this.overlay = overlay;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		FrameKind kind = envelope.kind();
		if (envelope.frame() != null || (kind != FrameKind.DATA && kind != FrameKind.REPLY)
				|| envelope.target().equals(this.local)) {
			return true;
		}
		boolean call = kind == FrameKind.DATA && envelope.hasFlag(FrameCodec.FLAG_CALL);
		MessageSenderContext context = new MessageSenderContext(call ? Kind.CLIENT : Kind.PRODUCER, envelope.channel(),
				this.overlay, kind.name().toLowerCase(Locale.ROOT), envelope.target().name(),
				(kind == FrameKind.REPLY) ? envelope.senderIdentity() : envelope.destination());
		context.setCarrier(envelope.trace());
		Observation observation = Observation.createNotStarted(null, call ? CALL : SEND, () -> context, this.registry)
			.start();
		CompletableFuture<?> answer = call ? envelope.answer() : null;
		envelope.onDone((error) -> {
			if (error != null || answer == null) {
				stop(observation, context, error);
			}
			else {
				answer.whenComplete((value, failure) -> stop(observation, context, failure));
			}
		});
		return true;
	}

	private static void stop(Observation observation, MessageSenderContext context, @Nullable Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		if (cause == null) {
			context.outcome(MessageConventions.OUTCOME_SENT);
		}
		else {
			boolean timeout = cause instanceof TimeoutException || cause instanceof CallTimeoutException;
			context.outcome(timeout ? MessageConventions.OUTCOME_TIMEOUT : MessageConventions.OUTCOME_ERROR);
			observation.error(cause);
		}
		observation.stop();
	}

}
