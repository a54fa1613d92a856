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
 *
 * <p>
 * A message has at most one copy on its way at a time. A copy is <em>in flight</em> from
 * the moment it is handed to the message path until the transport reports it
 * {@linkplain Outstanding#left() written} (or given up on), and a message in flight is
 * never overdue: its wait for the acknowledgement starts when its copy leaves. While a
 * peer is down its lanes hold the copies, so each retransmission round would otherwise
 * queue one more copy of every message for it, and memory would grow with the time the
 * peer stays down rather than with the messages; with this rule it holds one copy per
 * message, sent as soon as the peer is back.
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

		/**
		 * Guarded by this entry: whether a copy was handed to the message path and has
		 * not left yet.
		 */
		private boolean inFlight = true;

		/** When the last copy left (or, while the first is in flight, was tracked). */
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

		/**
		 * The copy in flight left: it was written to a connection, or it never will be
		 * (refused, dropped, its lane closed). The wait for the acknowledgement starts
		 * now; the next copy goes once it has passed.
		 */
		public synchronized void left() {
			this.inFlight = false;
			this.lastSentNanos = System.nanoTime();
		}

		/**
		 * Claims the next transmission if none is in flight and the last copy left at
		 * least {@code intervalNanos} before {@code now}.
		 */
		synchronized boolean claimIfDue(long now, long intervalNanos) {
			if (this.released || this.inFlight || now - this.lastSentNanos < intervalNanos) {
				return false;
			}
			this.inFlight = true;
			return true;
		}

		/** Whether a copy is on its way and has not left yet. */
		public synchronized boolean inFlight() {
			return this.inFlight;
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
	 * The first transmission is in flight until the caller reports that it
	 * {@linkplain Outstanding#left() left}.
	 * @return the entry, to report on
	 * @throws OutstandingLimitException when the peer's buffer is full
	 */
	public Outstanding track(long id, NodeId peer, ByteBuf frame, Resend resend) {
		AtomicInteger count = this.perPeer.computeIfAbsent(peer, (p) -> new AtomicInteger());
		if (count.incrementAndGet() > this.limitPerPeer) {
			count.decrementAndGet();
			throw new OutstandingLimitException(peer, this.limitPerPeer);
		}
		Outstanding entry = new Outstanding(id, peer, resend, frame.retainedDuplicate());
		this.outstanding.put(id, entry);
		return entry;
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
	 * The messages whose last copy left at least {@code intervalNanos} ago and that are
	 * still not acknowledged, each now marked in flight: the caller sends each once and
	 * reports when that copy {@linkplain Outstanding#left() left}. A message whose copy
	 * has not left yet (its peer is down, its lane is backed up) is not among them.
	 */
	public List<Outstanding> overdue(long intervalNanos) {
		long now = System.nanoTime();
		List<Outstanding> due = new ArrayList<>();
		for (Outstanding entry : this.outstanding.values()) {
			if (entry.claimIfDue(now, intervalNanos)) {
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
