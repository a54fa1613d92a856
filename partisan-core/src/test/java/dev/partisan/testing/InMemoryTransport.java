package dev.partisan.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.transport.Outgoing;
import dev.partisan.transport.Transport;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * A transport without sockets, for testing the message path on its own: the peers are
 * whatever the test adds, and every frame handed to {@link #send} is taken, decoded and
 * recorded, so a test reads what would have gone on the wire as values instead of bytes
 * on a connection. It owns the frames it takes exactly as a real transport does (it
 * releases them), so a test that checks reference counts sees the path's own bookkeeping,
 * not the transport's.
 */
public final class InMemoryTransport implements Transport {

	/**
	 * One frame handed to the transport, as the receiving end would decode it.
	 *
	 * @param peer the node it was handed to (the next hop for a relay)
	 * @param channel the channel the sender asked for
	 * @param partitionKey the key that would pick its lane
	 * @param senderIdentity the sending actor, for affinity
	 * @param destination the handler (or control type, or relay target) it is for
	 * @param notBeforeNanos not to be written before this {@link System#nanoTime()}, 0
	 * for at once
	 * @param frame the decoded frame; its payload is left out (an empty buffer): see
	 * {@link #payload}
	 * @param payload a copy of the payload bytes
	 */
	public record Sent(NodeId peer, String channel, @Nullable Object partitionKey, String senderIdentity,
			String destination, long notBeforeNanos, Frame frame, byte[] payload) {

		public FrameKind kind() {
			return this.frame.kind();
		}

		public boolean hasFlag(int flag) {
			return (this.frame.flags() & flag) != 0;
		}

		/**
		 * A fresh heap buffer over the payload copy, to read with the wire codecs
		 * (nothing to release).
		 */
		public ByteBuf payloadBuffer() {
			return Unpooled.wrappedBuffer(this.payload);
		}

		/** The payload as UTF-8 text. */
		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

	private final Node local;

	private final Set<NodeId> peers = ConcurrentHashMap.newKeySet();

	private final List<Sent> sent = new ArrayList<>();

	private final AtomicReference<@Nullable RuntimeException> nextFailure = new AtomicReference<>();

	private volatile boolean closed;

	/**
	 * Guarded by itself: the write completions of frames taken while writes are held, in
	 * order.
	 */
	private final List<CompletableFuture<Void>> heldWrites = new ArrayList<>();

	private boolean holdingWrites;

	public InMemoryTransport(Node local) {
		this.local = local;
	}

	/** Makes {@code peer} reachable, as if its connections were up. */
	public InMemoryTransport addPeer(NodeId peer) {
		this.peers.add(peer);
		return this;
	}

	/**
	 * The next {@link #send} throws {@code failure} (after releasing the frame), as a
	 * full lane would.
	 */
	public void failNextSend(RuntimeException failure) {
		this.nextFailure.set(failure);
	}

	/**
	 * From now on frames are taken and recorded but not reported written, as a real
	 * transport's lanes hold what is queued for a peer that is down.
	 */
	public void holdWrites() {
		synchronized (this.heldWrites) {
			this.holdingWrites = true;
		}
	}

	/**
	 * The peer is back: every held frame is reported written, in order, and later ones at
	 * once.
	 */
	public void releaseHeldWrites() {
		List<CompletableFuture<Void>> released;
		synchronized (this.heldWrites) {
			this.holdingWrites = false;
			released = List.copyOf(this.heldWrites);
			this.heldWrites.clear();
		}
		released.forEach((written) -> written.complete(null));
	}

	/** Frames taken while writes are held and not yet reported written. */
	public int heldWrites() {
		synchronized (this.heldWrites) {
			return this.heldWrites.size();
		}
	}

	/** What was handed to the transport, in order. */
	public List<Sent> sent() {
		synchronized (this.sent) {
			return List.copyOf(this.sent);
		}
	}

	/** The only frame handed to the transport; fails when there is not exactly one. */
	public Sent single() {
		List<Sent> all = sent();
		if (all.size() != 1) {
			throw new AssertionError("Expected exactly one frame at the transport, got " + all.size() + ": " + all);
		}
		return all.get(0);
	}

	/** Forgets what was recorded so far. */
	public void clear() {
		synchronized (this.sent) {
			this.sent.clear();
		}
	}

	@Override
	public Node start() {
		return this.local;
	}

	@Override
	public boolean isListening() {
		return false;
	}

	@Override
	public void connect(Node peer) {
		this.peers.add(peer.id());
	}

	@Override
	public void disconnect(NodeId peer) {
		this.peers.remove(peer);
	}

	@Override
	public boolean hasPeer(NodeId peer) {
		return !this.closed && this.peers.contains(peer);
	}

	@Override
	public Set<NodeId> peers() {
		return Set.copyOf(this.peers);
	}

	@Override
	public boolean isControlConnected(NodeId peer) {
		return hasPeer(peer);
	}

	@Override
	public boolean isFullyConnected(NodeId peer) {
		return hasPeer(peer);
	}

	/**
	 * Nothing ever arrives through this transport, so every peer has been silent forever.
	 */
	@Override
	public long silenceNanos(NodeId peer) {
		return Long.MAX_VALUE;
	}

	@Override
	public void send(Outgoing message) {
		ByteBuf frame = message.takeFrame();
		try {
			RuntimeException failure = this.nextFailure.getAndSet(null);
			if (failure != null) {
				throw failure;
			}
			if (this.closed) {
				throw new PartisanException("In-memory transport is closed");
			}
			if (!this.peers.contains(message.peer())) {
				throw new UnknownNodeException(message.peer());
			}
			Sent recorded = record(message, frame);
			synchronized (this.sent) {
				this.sent.add(recorded);
			}
		}
		finally {
			frame.release();
		}
		CompletableFuture<Void> written = message.written();
		if (written != null) {
			synchronized (this.heldWrites) {
				if (this.holdingWrites) {
					this.heldWrites.add(written);
					return;
				}
			}
			written.complete(null);
		}
	}

	private static Sent record(Outgoing message, ByteBuf frame) {
		int length = frame.getInt(frame.readerIndex());
		if (length != frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE) {
			throw new AssertionError("Length prefix " + length + " does not match a frame of "
					+ (frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE) + " bytes");
		}
		// Decoding a slice leaves the frame's own indexes alone; the decoded payload is a
		// retained slice.
		Frame decoded = FrameCodec.decode(frame.slice(frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE, length));
		byte[] payload;
		try {
			payload = ByteBufUtil.getBytes(decoded.payload());
		}
		finally {
			decoded.release();
		}
		return new Sent(message.peer(), message.channel(), message.partitionKey(), message.senderIdentity(),
				message.destination(), message.notBeforeNanos(), decoded.withPayload(Unpooled.EMPTY_BUFFER), payload);
	}

	/** There are no sockets here, so there is no one to ask. */
	@Override
	public CompletableFuture<Node> identify(String host, int port) {
		return CompletableFuture
			.failedFuture(new UnsupportedOperationException("The in-memory transport has no network"));
	}

	@Override
	public Map<String, Object> details() {
		return Map.of("transport", "in-memory", "peers", peers().size());
	}

	@Override
	public List<LaneStats> stats() {
		return List.of();
	}

	@Override
	public void close() {
		this.closed = true;
		this.peers.clear();
	}

}
