package dev.partisan.pipeline;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.partisan.api.NodeDownException;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.api.RemoteHandlerException;
import dev.partisan.dispatch.HandlerObservation;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.PayloadCodecs;
import io.netty.buffer.ByteBuf;

/**
 * Call correlation: the calls waiting for their reply, by message id. A reply completes
 * its call only when it comes from the node that was called; it is decoded on a handler
 * worker, not on the event loop.
 */
public final class Calls {

	/** A call waiting for its reply. */
	private record Pending(NodeId node, String name, Class<?> replyType, CompletableFuture<Object> future) {
	}

	/**
	 * A reply as it arrived (or as a local handler gave it).
	 *
	 * @param from the node that answered
	 * @param id the call's message id
	 * @param flags the reply's frame flags (error, empty)
	 * @param codecId the codec of the payload
	 * @param payloadType the codec's type name
	 * @param payload the encoded answer; released once decoded
	 * @param observation what observes its decoding and the completion of the call
	 */
	public record Reply(NodeId from, long id, int flags, byte codecId, String payloadType, ByteBuf payload,
			HandlerObservation observation) {

		/** A reply whose decoding is not observed (a local handler's). */
		public Reply(NodeId from, long id, int flags, byte codecId, String payloadType, ByteBuf payload) {
			this(from, id, flags, codecId, payloadType, payload, HandlerObservation.NONE);
		}

	}

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final PayloadCodecs codecs;

	private final Executor workers;

	public Calls(PayloadCodecs codecs, Executor workers) {
		this.codecs = codecs;
		this.workers = workers;
	}

	/**
	 * Waits for the reply to call {@code id} made to handler {@code name} on
	 * {@code node}.
	 */
	public CompletableFuture<Object> expect(long id, NodeId node, String name, Class<?> replyType) {
		CompletableFuture<Object> future = new CompletableFuture<>();
		this.pending.put(id, new Pending(node, name, replyType, future));
		return future;
	}

	/** Stops waiting for call {@code id} (it completed, timed out, or was never sent). */
	public void forget(long id) {
		this.pending.remove(id);
	}

	/** The last stage of the replies' path: hands the reply to its call. */
	public InboundStage stage() {
		return (envelope) -> {
			receive(envelope);
			return false;
		};
	}

	/** A REPLY frame arrived. */
	public void receive(InboundEnvelope envelope) {
		envelope.handedOn();
		Frame frame = envelope.frame();
		complete(new Reply(envelope.sender(), frame.messageId(), frame.flags(), frame.codecId(), frame.payloadType(),
				frame.payload(), envelope.observation()));
	}

	/**
	 * Completes the waiting call with {@code reply}; the payload is released either way.
	 */
	public void complete(Reply reply) {
		Pending call = this.pending.get(reply.id());
		if (call == null || !call.node().equals(reply.from())) {
			reply.payload().release();
			return;
		}
		try {
			this.workers.execute(() -> decode(call, reply));
		}
		catch (RejectedExecutionException ex) {
			reply.payload().release();
		}
	}

	/**
	 * Decodes the reply and completes the call, with the reply's observation current: a
	 * caller's continuation that runs on completion continues the trace.
	 */
	private void decode(Pending call, Reply reply) {
		String outcome = HandlerObservation.HANDLED;
		Throwable error = null;
		reply.observation().start();
		try {
			if ((reply.flags() & FrameCodec.FLAG_ERROR) != 0) {
				outcome = HandlerObservation.FAILED;
				call.future()
					.completeExceptionally(new RemoteHandlerException("Call to '" + call.name() + "' on node '"
							+ reply.from() + "' failed: "
							+ this.codecs.decode(reply.codecId(), reply.payloadType(), reply.payload(), String.class)));
			}
			else if ((reply.flags() & FrameCodec.FLAG_NULL_REPLY) != 0) {
				call.future().complete(null);
			}
			else {
				call.future()
					.complete(this.codecs.decode(reply.codecId(), reply.payloadType(), reply.payload(),
							call.replyType()));
			}
		}
		catch (RuntimeException ex) {
			outcome = HandlerObservation.REJECTED;
			error = ex;
			call.future().completeExceptionally(ex);
		}
		finally {
			reply.payload().release();
			reply.observation().stop(outcome, error);
		}
	}

	/** Fails every call waiting on {@code node}: it went down. */
	public void failCallsTo(NodeId node) {
		for (Pending call : this.pending.values()) {
			if (call.node().equals(node)) {
				call.future().completeExceptionally(new NodeDownException(node, call.name()));
			}
		}
	}

	/** Fails every waiting call: the node is closing. */
	public void closeAll() {
		this.pending.values()
			.forEach((call) -> call.future().completeExceptionally(new PartisanException("Node closed")));
		this.pending.clear();
	}

}
