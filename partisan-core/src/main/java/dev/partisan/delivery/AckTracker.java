package dev.partisan.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.NodeId;
import dev.partisan.api.OutstandingLimitException;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The sender's side of acknowledgement: every acknowledged message is kept, encoded,
 * until its acknowledgement arrives, and handed back for retransmission when it is
 * overdue. The buffer is bounded per peer; past the bound a send fails at once.
 */
public final class AckTracker {

	/**
	 * What a retransmission needs besides the frame: the lane it goes on and what
	 * interposition sees.
	 *
	 * @param channel the channel it was sent on
	 * @param partitionKey its partition key, or {@code null}
	 * @param identity the sending actor
	 * @param destination the handler it is for
	 * @param payloadSize the size of the payload the frame ends with
	 */
	public record Resend(String channel, @Nullable Object partitionKey, String identity, String destination,
			int payloadSize) {
	}

	/** A message awaiting acknowledgement, with how to send it again. */
	public static final class Outstanding {

		public final long id;

		public final NodeId peer;

		public final String channel;

		public final @Nullable Object partitionKey;

		public final String identity;

		public final String destination;

		public final int payloadSize;

		private final ByteBuf frame;

		/** Guarded by this entry: whether the tracker has let go of its frame. */
		private boolean released;

		volatile long lastSentNanos;

		Outstanding(long id, NodeId peer, Resend resend, ByteBuf frame) {
			this.id = id;
			this.peer = peer;
			this.channel = resend.channel();
			this.partitionKey = resend.partitionKey();
			this.identity = resend.identity();
			this.destination = resend.destination();
			this.payloadSize = resend.payloadSize();
			this.frame = frame;
			this.lastSentNanos = System.nanoTime();
		}

		/**
		 * A new reference to the encoded frame, for one more transmission; {@code null}
		 * when the message was acknowledged (or forgotten) since it was found overdue.
		 * The retransmission runs on the control thread while acknowledgements arrive on
		 * network threads: without this check it would duplicate a released frame, whose
		 * pooled buffer may by then hold another message.
		 */
		public synchronized @Nullable ByteBuf frameForResend() {
			return this.released ? null : this.frame.retainedDuplicate();
		}

		synchronized void releaseFrame() {
			if (!this.released) {
				this.released = true;
				this.frame.release();
			}
		}

	}

	private final Map<Long, Outstanding> outstanding = new ConcurrentHashMap<>();

	private final Map<NodeId, AtomicInteger> perPeer = new ConcurrentHashMap<>();

	private final int limitPerPeer;

	private final LongAdder retransmits = new LongAdder();

	private final LongAdder acknowledged = new LongAdder();

	public AckTracker(int limitPerPeer) {
		this.limitPerPeer = limitPerPeer;
	}

	/**
	 * Keeps a copy of {@code frame} (a retained duplicate) until {@link #acknowledge}.
	 * @throws OutstandingLimitException when the peer's buffer is full
	 */
	public void track(long id, NodeId peer, ByteBuf frame, Resend resend) {
		AtomicInteger count = this.perPeer.computeIfAbsent(peer, (p) -> new AtomicInteger());
		if (count.incrementAndGet() > this.limitPerPeer) {
			count.decrementAndGet();
			throw new OutstandingLimitException(peer, this.limitPerPeer);
		}
		this.outstanding.put(id, new Outstanding(id, peer, resend, frame.retainedDuplicate()));
	}

	/** Stops tracking a message (sending it failed before it left). */
	public void forget(long id) {
		release(this.outstanding.remove(id));
	}

	/** The acknowledgement of {@code id} from {@code peer} arrived. */
	public void acknowledge(NodeId peer, long id) {
		Outstanding entry = this.outstanding.get(id);
		if (entry != null && entry.peer.equals(peer) && this.outstanding.remove(id, entry)) {
			this.acknowledged.increment();
			release(entry);
		}
	}

	/**
	 * The messages sent more than {@code intervalNanos} ago and still not acknowledged,
	 * marked as resent.
	 */
	public List<Outstanding> overdue(long intervalNanos) {
		long now = System.nanoTime();
		List<Outstanding> due = new ArrayList<>();
		for (Outstanding entry : this.outstanding.values()) {
			if (now - entry.lastSentNanos >= intervalNanos) {
				entry.lastSentNanos = now;
				due.add(entry);
				this.retransmits.increment();
			}
		}
		return due;
	}

	/** Messages awaiting acknowledgement, to all peers. */
	public int outstanding() {
		return this.outstanding.size();
	}

	public long retransmits() {
		return this.retransmits.sum();
	}

	public long acknowledged() {
		return this.acknowledged.sum();
	}

	/** Drops everything (the node is closing). */
	public void clear() {
		for (Long id : List.copyOf(this.outstanding.keySet())) {
			forget(id);
		}
	}

	private void release(@Nullable Outstanding entry) {
		if (entry != null) {
			entry.releaseFrame();
			AtomicInteger count = this.perPeer.get(entry.peer);
			if (count != null) {
				count.decrementAndGet();
			}
		}
	}

}
