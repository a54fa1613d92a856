package dev.partisan.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.LaneStats;
import dev.partisan.api.QueueFullException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * One outbound connection of a channel to a peer, with its queue. Senders enqueue from
 * any thread; a drain task on the connection's event loop writes while the socket is
 * writable and resumes when it becomes writable again, so a slow peer fills this queue
 * (bounded, counted) rather than Netty's buffers.
 */
final class Lane {

	enum State {

		/** Never dialled. */
		IDLE,
		/** A connection attempt is under way. */
		CONNECTING,
		/** Open. */
		CONNECTED,
		/**
		 * The connection dropped; the next attempt is due at once and the peer still
		 * counts as reachable.
		 */
		RECONNECTING,
		/** The last attempt failed; the next waits for its back-off. */
		FAILED,
		/** Removed with its peer; never dialled again. */
		CLOSED

	}

	/** A queued frame. On monotonic lanes it may be superseded while it waits. */
	private static final class Outbound {

		static final int QUEUED = 0;

		static final int TAKEN = 1;

		static final int SUPERSEDED = 2;

		final ByteBuf frame;

		final @Nullable CompletableFuture<Void> written;

		final long notBeforeNanos;

		final @Nullable String supersedeKey;

		/** Guaranteed to go out: the first of its key in its monotonic window. */
		final boolean kept;

		final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(QUEUED);

		Outbound(ByteBuf frame, @Nullable CompletableFuture<Void> written, long notBeforeNanos,
				@Nullable String supersedeKey, boolean kept) {
			this.frame = frame;
			this.written = written;
			this.notBeforeNanos = notBeforeNanos;
			this.supersedeKey = supersedeKey;
			this.kept = kept;
		}

	}

	final PeerLanes peer;

	final String channel;

	final int index;

	private final TransportSettings settings;

	private final ConcurrentLinkedQueue<Outbound> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedMessages = new AtomicLong();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final LongAdder sentMessages = new LongAdder();

	private final LongAdder sentBytes = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder superseded = new LongAdder();

	private final boolean monotonic;

	/**
	 * Monotonic lanes remember when each key last kept a message; past this many keys,
	 * expired ones go.
	 */
	private static final int KEPT_KEYS_BEFORE_PRUNING = 10_000;

	/**
	 * Monotonic lanes: the newest queued message per key, and when a message of each key
	 * was last kept.
	 */
	private final java.util.Map<String, Outbound> latest = new java.util.concurrent.ConcurrentHashMap<>();

	private final java.util.Map<String, Long> keptAt = new java.util.concurrent.ConcurrentHashMap<>();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	/**
	 * When a delayed drain is due (0 when none is scheduled); touched on the event loop
	 * only.
	 */
	private long delayedDrainAt;

	private volatile @Nullable Connection connection;

	private volatile State state = State.IDLE;

	private long nextAttemptNanos;

	private int failures;

	Lane(PeerLanes peer, String channel, int index, TransportSettings settings, boolean monotonic) {
		this.peer = peer;
		this.channel = channel;
		this.index = index;
		this.settings = settings;
		this.monotonic = monotonic;
	}

	boolean monotonic() {
		return this.monotonic;
	}

	State state() {
		return this.state;
	}

	boolean isOpen() {
		return this.state == State.CONNECTED;
	}

	synchronized boolean dueForDial(long nowNanos) {
		return switch (this.state) {
			case IDLE, RECONNECTING -> true;
			case FAILED -> nowNanos - this.nextAttemptNanos >= 0;
			default -> false;
		};
	}

	synchronized boolean markConnecting() {
		if (this.state == State.CLOSED || this.state == State.CONNECTING || this.state == State.CONNECTED) {
			return false;
		}
		this.state = State.CONNECTING;
		return true;
	}

	/** Called once the connection's handshake has opened the session. */
	void connected(Connection conn) {
		connected(conn, null);
	}

	/**
	 * Called once the connection is ready; {@code first}, when given, is written before
	 * anything queued.
	 */
	void connected(Connection conn, @Nullable ByteBuf first) {
		Channel ch = conn.channel();
		synchronized (this) {
			if (this.state == State.CLOSED) {
				if (first != null) {
					first.release();
				}
				conn.dispose();
				return;
			}
			if (first != null) {
				ch.writeAndFlush(first);
			}
			this.connection = conn;
			this.state = State.CONNECTED;
			this.failures = 0;
		}
		conn.onDispose(() -> closed(conn));
		scheduleDrain();
	}

	/** The connection dropped: the lane will be redialled at the next refresh. */
	synchronized void closed(Connection conn) {
		if (this.connection != conn) {
			return;
		}
		this.connection = null;
		if (this.state != State.CLOSED) {
			this.state = State.RECONNECTING;
		}
	}

	/** Failed attempts since the lane was last connected. */
	synchronized int failures() {
		return this.failures;
	}

	synchronized void connectFailed() {
		if (this.state == State.CLOSED) {
			return;
		}
		this.failures++;
		this.state = State.FAILED;
		long min = this.settings.reconnectMin().toNanos();
		long max = this.settings.reconnectMax().toNanos();
		long backoff = Math.min(max, min << Math.min(this.failures - 1, 20));
		long jitter = ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
		this.nextAttemptNanos = System.nanoTime() + backoff - backoff / 8 + jitter;
	}

	/**
	 * Queues a complete frame. The frame is consumed whatever happens.
	 * @throws QueueFullException when the queue is at its bound
	 */
	void enqueue(ByteBuf frame, @Nullable CompletableFuture<Void> written, long notBeforeNanos,
			@Nullable String supersedeKey) {
		int size = frame.readableBytes();
		if (this.state == State.CLOSED) {
			frame.release();
			this.dropped.increment();
			throw new QueueFullException("Lane " + describe() + " is closed");
		}
		long messages = this.queuedMessages.incrementAndGet();
		long bytes = this.queuedBytes.addAndGet(size);
		if (messages > this.settings.maxQueuedMessages() || (bytes > this.settings.maxQueuedBytes() && messages > 1)) {
			this.queuedMessages.decrementAndGet();
			this.queuedBytes.addAndGet(-size);
			frame.release();
			this.dropped.increment();
			throw new QueueFullException("Outbound queue of lane " + describe() + " is full (" + (messages - 1)
					+ " messages, " + (bytes - size) + " bytes; bounds partisan.max-queued-messages="
					+ this.settings.maxQueuedMessages() + ", partisan.max-queued-bytes="
					+ this.settings.maxQueuedBytes() + ")");
		}
		Outbound entry;
		if (this.monotonic && supersedeKey != null) {
			entry = new Outbound(frame, written, notBeforeNanos, supersedeKey, keepThisOne(supersedeKey));
			Outbound previous = this.latest.put(supersedeKey, entry);
			if (previous != null && !previous.kept
					&& previous.state.compareAndSet(Outbound.QUEUED, Outbound.SUPERSEDED)) {
				// The newer message replaces it; the drain skips it (and releases it)
				// when it reaches it.
				this.queuedMessages.decrementAndGet();
				this.queuedBytes.addAndGet(-previous.frame.readableBytes());
				this.superseded.increment();
				if (previous.written != null) {
					previous.written.complete(null);
				}
			}
		}
		else {
			entry = new Outbound(frame, written, notBeforeNanos, null, true);
		}
		this.queue.add(entry);
		scheduleDrain();
	}

	/**
	 * Whether the message of this key enqueued now is the one kept for the current
	 * monotonic window.
	 */
	private boolean keepThisOne(String key) {
		long now = System.nanoTime();
		long window = this.settings.monotonicWindow().toNanos();
		if (this.keptAt.size() > KEPT_KEYS_BEFORE_PRUNING) {
			// A key whose window has passed keeps its next message anyway: forgetting it
			// changes nothing.
			this.keptAt.values().removeIf((at) -> now - at >= window);
		}
		Long last = this.keptAt.get(key);
		if (last == null || now - last >= window) {
			this.keptAt.put(key, now);
			return true;
		}
		return false;
	}

	void scheduleDrain() {
		Connection conn = this.connection;
		if (conn == null || this.queue.isEmpty()) {
			return;
		}
		if (this.drainScheduled.compareAndSet(false, true)) {
			conn.channel().eventLoop().execute(() -> drain(conn.channel()));
		}
	}

	private void drain(Channel ch) {
		int written = 0;
		boolean held = false;
		try {
			while (ch.isActive() && ch.isWritable()) {
				Outbound head = this.queue.peek();
				if (head == null) {
					break;
				}
				if (head.notBeforeNanos != 0 && head.notBeforeNanos - System.nanoTime() > 0) {
					// An injected delay holds the head, and so everything behind it: the
					// lane stays FIFO.
					drainLater(ch, head.notBeforeNanos);
					held = true;
					break;
				}
				Outbound next = this.queue.poll();
				if (!next.state.compareAndSet(Outbound.QUEUED, Outbound.TAKEN)) {
					next.frame.release();
					continue;
				}
				if (next.supersedeKey != null) {
					this.latest.remove(next.supersedeKey, next);
				}
				int size = next.frame.readableBytes();
				this.queuedMessages.decrementAndGet();
				this.queuedBytes.addAndGet(-size);
				if (next.written != null) {
					CompletableFuture<Void> future = next.written;
					ch.write(next.frame).addListener((f) -> {
						if (f.isSuccess()) {
							future.complete(null);
						}
						else {
							future.completeExceptionally(f.cause());
						}
					});
				}
				else {
					ch.write(next.frame, ch.voidPromise());
				}
				this.sentMessages.increment();
				this.sentBytes.add(size);
				written++;
			}
		}
		finally {
			if (written > 0) {
				ch.flush();
			}
			this.drainScheduled.set(false);
		}
		// A held head is drained by the delayed task: draining again now would only find
		// it held again.
		if (!held && ch.isActive() && ch.isWritable() && !this.queue.isEmpty()) {
			scheduleDrain();
		}
	}

	private void drainLater(Channel ch, long dueNanos) {
		if (this.delayedDrainAt != 0 && this.delayedDrainAt - dueNanos <= 0) {
			return;
		}
		this.delayedDrainAt = dueNanos;
		ch.eventLoop().schedule(() -> {
			this.delayedDrainAt = 0;
			scheduleDrain();
		}, Math.max(0, dueNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
	}

	/** Closes the connection for good and drops what is queued. */
	void close() {
		Connection conn;
		synchronized (this) {
			this.state = State.CLOSED;
			conn = this.connection;
			this.connection = null;
		}
		if (conn != null) {
			conn.dispose();
		}
		Outbound next;
		while ((next = this.queue.poll()) != null) {
			if (!next.state.compareAndSet(Outbound.QUEUED, Outbound.TAKEN)) {
				next.frame.release();
				continue;
			}
			this.queuedMessages.decrementAndGet();
			this.queuedBytes.addAndGet(-next.frame.readableBytes());
			next.frame.release();
			this.dropped.increment();
			if (next.written != null) {
				next.written.completeExceptionally(new QueueFullException("Lane " + describe() + " was closed"));
			}
		}
	}

	long queuedMessages() {
		return this.queuedMessages.get();
	}

	LaneStats stats(long receivedMessages, long receivedBytes) {
		return new LaneStats(this.peer.id(), this.channel, this.index, isOpen(), this.queuedMessages.get(),
				this.queuedBytes.get(), this.sentMessages.sum(), this.sentBytes.sum(), receivedMessages, receivedBytes,
				this.dropped.sum(), this.superseded.sum());
	}

	String describe() {
		return this.peer.id() + "/" + this.channel + "/" + this.index;
	}

	/** Resumes draining when the socket becomes writable again. */
	final class WritabilityHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
			if (ctx.channel().isWritable()) {
				scheduleDrain();
			}
			super.channelWritabilityChanged(ctx);
		}

	}

}
