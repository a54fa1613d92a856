package dev.partisan.pipeline;

import java.util.ArrayList;
import java.util.List;
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
import dev.partisan.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * The node's interposition functions on the message path, both ways. Leaving, a frame may
 * be dropped (as a lossy network would: a waiting future completes as if it was sent),
 * held back on its lane, rewritten in place, or rebuilt around a replacement payload of
 * any length; arriving, it may be dropped, delayed or given a replacement payload before
 * it is processed. With nothing registered a frame pays one volatile read.
 */
public final class Interposing {

	private final Interposition interposition;

	private final NodeId local;

	private final ScheduledExecutorService delays;

	private final InboundStage ingress = this::ingress;

	/** The inbound path this stage heads, once built with {@link #inbound(List)}. */
	private volatile @Nullable InboundPath inbound;

	public Interposing(Interposition interposition, NodeId local, ScheduledExecutorService delays) {
		this.interposition = interposition;
		this.local = local;
		this.delays = delays;
	}

	/** The stage on the outbound path. */
	public OutboundStage egress() {
		return this::egress;
	}

	/**
	 * The stage on the inbound path. Used on its own (not through {@link #inbound}), an
	 * ingress replacement must keep the payload's length.
	 */
	public InboundStage ingress() {
		return this.ingress;
	}

	/**
	 * The inbound path: this stage, then {@code after}. A message given a replacement
	 * payload on arrival continues along it as a new frame.
	 */
	public InboundPath inbound(List<InboundStage> after) {
		List<InboundStage> stages = new ArrayList<>();
		stages.add(this.ingress);
		stages.addAll(after);
		InboundPath path = new InboundPath(stages);
		this.inbound = path;
		return path;
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
		if (verdict.kind() == Verdict.Kind.REPLACE) {
			byte[] replacement = verdict.replacement();
			if (replacement != null) {
				envelope.frame(rebuild(frame, replacement), replacement.length);
			}
		}
		if (!verdict.delay().isZero()) {
			envelope.notBefore(System.nanoTime() + verdict.delay().toNanos());
		}
		return true;
	}

	/**
	 * The frame (length prefix included) with {@code payload} in place of its own; the
	 * old frame is released.
	 */
	private static ByteBuf rebuild(ByteBuf frame, byte[] payload) {
		int start = frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE;
		Frame decoded = FrameCodec.decode(frame.slice(start, frame.writerIndex() - start));
		decoded.release();
		ByteBuf rebuilt = FrameCodec.encode(ByteBufAllocator.DEFAULT,
				decoded.withPayload(Unpooled.wrappedBuffer(payload)));
		frame.release();
		return rebuilt;
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
		byte[] replacement = verdict.replacement();
		if (verdict.kind() == Verdict.Kind.REPLACE && replacement != null) {
			InboundPath path = this.inbound;
			if (path == null) {
				return replaceInPlace(frame, replacement) && hold(envelope, verdict);
			}
			InboundEnvelope replaced = new InboundEnvelope(envelope.from(),
					frame.withPayload(Unpooled.wrappedBuffer(replacement)), envelope.flow());
			envelope.release();
			if (verdict.delay().isZero()) {
				path.run(replaced, 1);
			}
			else {
				replaced.resumeAt(path, 1);
				hold(replaced, verdict);
			}
			return false;
		}
		return hold(envelope, verdict);
	}

	/**
	 * Schedules the rest of the path after the verdict's delay; true (go on now) when
	 * there is none.
	 */
	private boolean hold(InboundEnvelope envelope, Verdict verdict) {
		if (verdict.delay().isZero()) {
			return true;
		}
		try {
			this.delays.schedule(envelope::resume, verdict.delay().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			envelope.release();
		}
		return false;
	}

	private static boolean replaceInPlace(Frame frame, byte[] replacement) {
		ByteBuf payload = frame.payload();
		if (payload.readableBytes() != replacement.length) {
			throw new IllegalStateException("A replacement of " + replacement.length + " bytes for a payload of "
					+ payload.readableBytes() + " needs the path built with Interposing.inbound");
		}
		payload.setBytes(payload.readerIndex(), replacement);
		return true;
	}

}
