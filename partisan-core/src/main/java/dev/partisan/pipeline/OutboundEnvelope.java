package dev.partisan.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.partisan.api.NodeId;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.Outgoing;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * One message on its way out, carried through the stages of the {@link OutboundPath}. It
 * is made by one of the entry points ({@link #data}, {@link #reply}, {@link #framed})
 * with what that entry point knows, and each stage adds what it is for: the encoded
 * payload, the compression flag, the causal stamp, the frame, the next hop. A stage that
 * does not apply to an envelope (there is nothing to encode, the frame is already built)
 * leaves it as it is, so every kind of frame takes the same path.
 *
 * <p>
 * The envelope owns its buffers until the transport {@link #takeFrame() takes} the frame;
 * if a stage fails, {@link OutboundPath} releases what it still holds and undoes what was
 * registered with {@link #onAbort}.
 */
public final class OutboundEnvelope implements Outgoing {

	private FrameKind kind;

	private final long id;

	private NodeId peer;

	private final NodeId target;

	private String channel;

	private @Nullable Object partitionKey;

	private String senderIdentity = "";

	private String destination = "";

	private int flags;

	private @Nullable Object message;

	private byte codecId;

	private String payloadType = "";

	private @Nullable String causalLabel;

	private boolean track;

	private @Nullable ByteBuf payload;

	private @Nullable ByteBuf frame;

	private int payloadSize;

	private @Nullable CompletableFuture<Void> written;

	private long notBeforeNanos;

	private @Nullable Runnable onAbort;

	private @Nullable Consumer<@Nullable Throwable> onDone;

	private final Map<String, String> trace = new HashMap<>();

	private @Nullable CompletableFuture<?> answer;

	private OutboundEnvelope(FrameKind kind, long id, NodeId peer, String channel) {
		this.kind = kind;
		this.id = id;
		this.peer = peer;
		this.target = peer;
		this.channel = channel;
	}

	/**
	 * An application message for handler {@code destination} on {@code peer}, still to be
	 * encoded.
	 */
	public static OutboundEnvelope data(long id, NodeId peer, String channel, Object message) {
		OutboundEnvelope envelope = new OutboundEnvelope(FrameKind.DATA, id, peer, channel);
		envelope.message = message;
		return envelope;
	}

	/** A handler's answer to call {@code id} from {@code caller}, still to be encoded. */
	public static OutboundEnvelope reply(long id, NodeId caller, String channel, Object body) {
		OutboundEnvelope envelope = new OutboundEnvelope(FrameKind.REPLY, id, caller, channel);
		envelope.message = body;
		return envelope;
	}

	/**
	 * A frame that is already encoded (control, acknowledgement, heartbeat,
	 * retransmission, relay), on the control channel unless {@link #channel(String)} says
	 * otherwise.
	 */
	public static OutboundEnvelope framed(FrameKind kind, long id, NodeId peer, ByteBuf frame) {
		OutboundEnvelope envelope = new OutboundEnvelope(kind, id, peer, ChannelSpec.CONTROL);
		envelope.frame = frame;
		return envelope;
	}

	public FrameKind kind() {
		return this.kind;
	}

	public long id() {
		return this.id;
	}

	/** The node the frame is handed to: the target, or the member relaying to it. */
	@Override
	public NodeId peer() {
		return this.peer;
	}

	/** The node the message is for. */
	public NodeId target() {
		return this.target;
	}

	/** Whether the frame goes to a member that relays it rather than to its target. */
	public boolean relayed() {
		return !this.peer.equals(this.target);
	}

	@Override
	public String channel() {
		return this.channel;
	}

	public OutboundEnvelope channel(String name) {
		this.channel = name;
		return this;
	}

	@Override
	public @Nullable Object partitionKey() {
		return this.partitionKey;
	}

	public OutboundEnvelope partitionKey(@Nullable Object key) {
		this.partitionKey = key;
		return this;
	}

	@Override
	public String senderIdentity() {
		return this.senderIdentity;
	}

	public OutboundEnvelope senderIdentity(String identity) {
		this.senderIdentity = identity;
		return this;
	}

	@Override
	public String destination() {
		return this.destination;
	}

	public OutboundEnvelope destination(String name) {
		this.destination = name;
		return this;
	}

	public int flags() {
		return this.flags;
	}

	public boolean hasFlag(int flag) {
		return (this.flags & flag) != 0;
	}

	public OutboundEnvelope flag(int flag) {
		this.flags |= flag;
		return this;
	}

	/**
	 * The message object still to be encoded, or {@code null} once encoded (or for framed
	 * envelopes).
	 */
	public @Nullable Object message() {
		return this.message;
	}

	public byte codecId() {
		return this.codecId;
	}

	public String payloadType() {
		return this.payloadType;
	}

	/** The encoded payload: replaces the message object. */
	public void encoded(byte codecId, String payloadType, ByteBuf payload) {
		this.codecId = codecId;
		this.payloadType = payloadType;
		this.payload = payload;
		this.message = null;
	}

	public @Nullable String causalLabel() {
		return this.causalLabel;
	}

	public OutboundEnvelope causalLabel(@Nullable String label) {
		this.causalLabel = label;
		return this;
	}

	/** Whether the sender keeps the message until the receiver acknowledges it. */
	public boolean tracked() {
		return this.track;
	}

	public OutboundEnvelope track(boolean track) {
		this.track = track;
		if (track) {
			this.flags |= FrameCodec.FLAG_ACK;
		}
		return this;
	}

	/** The encoded payload before framing, or {@code null}. */
	public @Nullable ByteBuf payload() {
		return this.payload;
	}

	/**
	 * Replaces the payload (compressed, stamped); the previous one is the caller's to
	 * release.
	 */
	public void payload(ByteBuf replacement) {
		this.payload = replacement;
	}

	/** Hands the payload over (to framing or local delivery). */
	public ByteBuf takePayload() {
		ByteBuf taken = this.payload;
		if (taken == null) {
			throw new IllegalStateException("Message " + this.id + " has no payload to take");
		}
		this.payload = null;
		return taken;
	}

	/** The complete frame, length prefix included, or {@code null} before framing. */
	public @Nullable ByteBuf frame() {
		return this.frame;
	}

	/** Sets the frame and the size of the payload it ends with. */
	public void frame(ByteBuf encoded, int payloadBytes) {
		this.frame = encoded;
		this.payloadSize = payloadBytes;
	}

	/**
	 * The frame becomes a RELAY frame for {@code hop}, addressed to the target's name;
	 * the envelope keeps its target.
	 */
	public void relayVia(NodeId hop, ByteBuf relayFrame, int relayPayloadBytes) {
		this.kind = FrameKind.RELAY;
		this.destination = this.target.name();
		this.peer = hop;
		this.frame = relayFrame;
		this.payloadSize = relayPayloadBytes;
	}

	@Override
	public ByteBuf takeFrame() {
		ByteBuf taken = this.frame;
		if (taken == null) {
			throw new IllegalStateException("Message " + this.id + " was not framed");
		}
		this.frame = null;
		return taken;
	}

	/** The size of the payload the frame ends with (what interposition sees). */
	public int payloadSize() {
		return this.payloadSize;
	}

	public OutboundEnvelope payloadSize(int bytes) {
		this.payloadSize = bytes;
		return this;
	}

	@Override
	public @Nullable CompletableFuture<Void> written() {
		return this.written;
	}

	public OutboundEnvelope written(@Nullable CompletableFuture<Void> future) {
		this.written = future;
		return this;
	}

	@Override
	public long notBeforeNanos() {
		return this.notBeforeNanos;
	}

	public void notBefore(long nanoTime) {
		this.notBeforeNanos = nanoTime;
	}

	/**
	 * The trace context the frame carries, filled in by the observation of the send
	 * (empty without one); bounded by {@link dev.partisan.wire.TraceHeaders#fits}.
	 */
	public Map<String, String> trace() {
		return this.trace;
	}

	/**
	 * The reply a call waits for, or {@code null} when the message is not a call: the
	 * call's observation lasts until it completes.
	 */
	public @Nullable CompletableFuture<?> answer() {
		return this.answer;
	}

	public OutboundEnvelope answer(CompletableFuture<?> reply) {
		this.answer = reply;
		return this;
	}

	/**
	 * Registers what to do once the path is over for this envelope, with the failure that
	 * ended it or {@code null} (at most one: the send's observation).
	 */
	public void onDone(Consumer<@Nullable Throwable> then) {
		this.onDone = then;
	}

	/** The path is over for this envelope: {@code error} ended it, or nothing did. */
	void done(@Nullable Throwable error) {
		Consumer<@Nullable Throwable> then = this.onDone;
		this.onDone = null;
		if (then != null) {
			then.accept(error);
		}
	}

	/**
	 * Registers what to undo if a later stage fails (at most one: the acknowledgement
	 * tracking).
	 */
	public void onAbort(Runnable undo) {
		this.onAbort = undo;
	}

	/** A later stage failed: undo, and release what the envelope still holds. */
	void abort() {
		Runnable undo = this.onAbort;
		this.onAbort = null;
		if (undo != null) {
			undo.run();
		}
		release();
	}

	/**
	 * Releases the buffers the envelope still holds (it was dropped, or delivered another
	 * way).
	 */
	void release() {
		if (this.payload != null) {
			this.payload.release();
			this.payload = null;
		}
		if (this.frame != null) {
			this.frame.release();
			this.frame = null;
		}
	}

	@Override
	public String toString() {
		return this.kind + " " + this.id + " to " + this.target + " on " + this.channel;
	}

}
