package dev.partisan.pipeline;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.PartisanException;
import dev.partisan.delivery.AckTracker;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends again every acknowledged message whose acknowledgement is overdue (on the control
 * thread), one copy at a time: a message whose previous copy has not been written yet
 * (its peer is down, its lane backed up) waits for it instead of queueing another, so a
 * peer that stays down costs one queued copy per message, not one per round.
 */
public final class Retransmission implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(Retransmission.class);

	private final AckTracker acks;

	private final OutboundPath outbound;

	private final long intervalNanos;

	public Retransmission(AckTracker acks, OutboundPath outbound, Duration interval) {
		this.acks = acks;
		this.outbound = outbound;
		this.intervalNanos = interval.toNanos();
	}

	@Override
	public void run() {
		for (AckTracker.Outstanding entry : this.acks.overdue(this.intervalNanos)) {
			ByteBuf frame = entry.frameForResend();
			if (frame == null) {
				continue; // acknowledged since it was found overdue
			}
			// Whatever becomes of this copy (written, dropped, refused below) ends its
			// flight, so the message is never left waiting for a copy that is gone.
			CompletableFuture<Void> written = new CompletableFuture<>();
			written.whenComplete((ok, failure) -> entry.left());
			try {
				this.outbound.send(OutboundEnvelope.framed(FrameKind.DATA, entry.id, entry.peer, frame)
					.channel(entry.channel)
					.partitionKey(entry.partitionKey)
					.senderIdentity(entry.identity)
					.destination(entry.destination)
					.payloadSize(entry.payloadSize)
					.written(written));
			}
			catch (PartisanException ex) {
				written.completeExceptionally(ex);
				logger.debug("Retransmission of {} to {} not queued: {}", entry.id, entry.peer, ex.getMessage());
			}
			catch (RuntimeException ex) {
				// Not thrown on: the rest of this round's messages are already claimed.
				written.completeExceptionally(ex);
				logger.warn("Retransmission of {} to {} failed", entry.id, entry.peer, ex);
			}
		}
	}

}
