package dev.partisan.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.Interposition;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.interpose.Verdict;
import dev.partisan.wire.Frame;
import io.netty.buffer.ByteBuf;

/**
 * The node's interposition functions on the message path, both ways. Leaving, a frame may
 * be dropped (as a lossy network would: a waiting future completes as if it was sent),
 * held back on its lane, or rewritten in place; arriving, it may be dropped or delayed
 * before it is processed. With nothing registered a frame pays one volatile read.
 */
public final class Interposing {

	private final Interposition interposition;

	private final NodeId local;

	private final ScheduledExecutorService delays;

	public Interposing(Interposition interposition, NodeId local, ScheduledExecutorService delays) {
		this.interposition = interposition;
		this.local = local;
		this.delays = delays;
	}

	/** The stage on the outbound path. */
	public OutboundStage egress() {
		return this::egress;
	}

	/** The stage on the inbound path. */
	public InboundStage ingress() {
		return this::ingress;
	}

	private boolean egress(OutboundEnvelope envelope) {
		ByteBuf frame = envelope.frame();
		if (this.interposition.isEmpty() || frame == null) {
			return true;
		}
		MessageEvent event = new MessageEvent(Direction.EGRESS, this.local, envelope.peer(), envelope.kind().name(),
				envelope.channel(), envelope.destination(), envelope.id(), envelope.payloadSize());
		int size = envelope.payloadSize();
		Verdict verdict = this.interposition.apply(event, frame.slice(frame.writerIndex() - size, size));
		if (verdict.kind() == Verdict.Kind.DROP) {
			envelope.release();
			CompletableFuture<Void> written = envelope.written();
			if (written != null) {
				written.complete(null);
			}
			return false;
		}
		if (verdict.kind() == Verdict.Kind.DELAY) {
			envelope.notBefore(System.nanoTime() + verdict.delay().toNanos());
		}
		return true;
	}

	private boolean ingress(InboundEnvelope envelope) {
		if (this.interposition.isEmpty()) {
			return true;
		}
		Frame frame = envelope.frame();
		MessageEvent event = new MessageEvent(Direction.INGRESS, this.local, envelope.sender(), frame.kind().name(),
				frame.channel(), frame.destination(), frame.messageId(), frame.payload().readableBytes());
		Verdict verdict = this.interposition.apply(event, frame.payload());
		if (verdict.kind() == Verdict.Kind.DROP) {
			envelope.release();
			return false;
		}
		if (verdict.kind() == Verdict.Kind.DELAY) {
			try {
				this.delays.schedule(envelope::resume, verdict.delay().toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				envelope.release();
			}
			return false;
		}
		return true;
	}

}
