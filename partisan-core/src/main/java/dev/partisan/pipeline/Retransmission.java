package dev.partisan.pipeline;

import java.time.Duration;

import dev.partisan.api.PartisanException;
import dev.partisan.delivery.AckTracker;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends again every acknowledged message whose acknowledgement is overdue (on the control
 * thread).
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
			try {
				this.outbound.send(OutboundEnvelope.framed(FrameKind.DATA, entry.id, entry.peer, frame)
					.channel(entry.channel)
					.partitionKey(entry.partitionKey)
					.senderIdentity(entry.identity)
					.destination(entry.destination)
					.payloadSize(entry.payloadSize));
			}
			catch (PartisanException ex) {
				logger.debug("Retransmission of {} to {} not queued: {}", entry.id, entry.peer, ex.getMessage());
			}
		}
	}

}
