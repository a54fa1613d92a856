package dev.partisan.pipeline;

import java.util.concurrent.CompletableFuture;

import dev.partisan.delivery.AckTracker;
import io.netty.buffer.ByteBuf;

/**
 * Keeps a message sent with acknowledgement until the receiver acknowledges it, so it can
 * be sent again; forgets it if a later stage refuses it. Asks the transport to say when
 * the frame is written, since the message is not retransmitted before that (see
 * {@link AckTracker}).
 */
public final class AckTracking implements OutboundStage {

	private final AckTracker acks;

	public AckTracking(AckTracker acks) {
		this.acks = acks;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		ByteBuf frame = envelope.frame();
		if (!envelope.tracked() || frame == null) {
			return true;
		}
		AckTracker.Outstanding entry = this.acks.track(envelope.id(), envelope.target(), frame,
				new AckTracker.Resend(envelope.channel(), envelope.partitionKey(), envelope.senderIdentity(),
						envelope.destination(), envelope.payloadSize()));
		long id = envelope.id();
		envelope.onAbort(() -> this.acks.forget(id));
		CompletableFuture<Void> written = envelope.written();
		if (written == null) {
			written = new CompletableFuture<>();
			envelope.written(written);
		}
		written.whenComplete((ok, failure) -> entry.left());
		return true;
	}

}
