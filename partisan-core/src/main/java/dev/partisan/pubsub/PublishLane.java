package dev.partisan.pubsub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import dev.partisan.api.BrokerUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * One publishing lane: a bounded queue drained by one thread that owns one AMQP channel.
 * The broker keeps the order of what one channel publishes to one queue, so everything
 * this lane publishes to a lane queue arrives in the order it was queued — the per-lane
 * FIFO the TCP transport gives.
 *
 * <p>
 * When a publish fails the channel is dropped, the message is counted as dropped and its
 * waiter fails; the next message opens a new channel, which reconnects to the broker if
 * need be. Nothing is retried here: acknowledged messages are retransmitted by the
 * runtime, as over TCP.
 */
final class PublishLane implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PublishLane.class);

	/**
	 * A message waiting for its turn. With a {@code supersedeKey} (a monotonic channel),
	 * a newer message of the same key replaces it while it is still queued.
	 */
	record Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
			@Nullable LaneCounters counters, @Nullable CompletableFuture<Void> written, long notBeforeNanos,
			@Nullable String supersedeKey, AtomicBoolean superseded) {

		Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
				@Nullable LaneCounters counters, @Nullable CompletableFuture<Void> written, long notBeforeNanos) {
			this(exchange, routingKey, properties, body, counters, written, notBeforeNanos, null, new AtomicBoolean());
		}

	}

	private final String name;

	private final ConnectionFactory connectionFactory;

	private final BlockingQueue<Outgoing> queue;

	private final long maxQueuedBytes;

	private final AtomicLong queuedBytes = new AtomicLong();

	/** On monotonic channels: the newest queued message per key. */
	private final Map<String, Outgoing> latest = new ConcurrentHashMap<>();

	private final Consumer<Exception> onFailure;

	private final Thread thread;

	private volatile boolean running = true;

	private @Nullable Channel channel;

	PublishLane(String name, ConnectionFactory connectionFactory, int maxQueuedMessages, long maxQueuedBytes,
			Consumer<Exception> onFailure) {
		this.name = name;
		this.connectionFactory = connectionFactory;
		this.queue = new LinkedBlockingQueue<>(maxQueuedMessages);
		this.maxQueuedBytes = maxQueuedBytes;
		this.onFailure = onFailure;
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Queues a message; false when the lane is at its bound in messages or bytes. */
	boolean offer(Outgoing message) {
		int size = message.body().length;
		long after = this.queuedBytes.addAndGet(size);
		// One message larger than the bound still goes when nothing else waits, as on a
		// TCP lane.
		if (after > this.maxQueuedBytes && after != size) {
			this.queuedBytes.addAndGet(-size);
			return false;
		}
		if (!this.running || !this.queue.offer(message)) {
			this.queuedBytes.addAndGet(-size);
			return false;
		}
		if (message.counters() != null) {
			message.counters().queued(size);
		}
		if (message.supersedeKey() != null) {
			Outgoing previous = this.latest.put(message.supersedeKey(), message);
			if (previous != null && previous.superseded().compareAndSet(false, true)) {
				// The newer message replaces it; the publisher skips it when it reaches
				// it.
				supersede(previous);
			}
		}
		return true;
	}

	private void supersede(Outgoing previous) {
		int size = previous.body().length;
		this.queuedBytes.addAndGet(-size);
		if (previous.counters() != null) {
			previous.counters().unqueued(size);
			previous.counters().supersededMessages.increment();
		}
		if (previous.written() != null) {
			previous.written().complete(null);
		}
	}

	int depth() {
		return this.queue.size();
	}

	private void run() {
		// After close() the loop still empties the queue (a leaving node's last
		// announcement) unless interrupted.
		while (this.running || !this.queue.isEmpty()) {
			Outgoing next;
			try {
				next = this.queue.poll(200, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				break;
			}
			if (next != null) {
				if (next.supersedeKey() != null) {
					this.latest.remove(next.supersedeKey(), next);
				}
				// Taking it settles the race with a newer message: superseded now, or
				// published.
				if (!next.superseded().compareAndSet(false, true)) {
					continue;
				}
				holdUntil(next.notBeforeNanos());
				publish(next);
			}
		}
		failQueued();
		closeChannel();
	}

	private static void holdUntil(long notBeforeNanos) {
		long wait;
		while (notBeforeNanos != 0 && (wait = notBeforeNanos - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
			if (Thread.currentThread().isInterrupted()) {
				return;
			}
		}
	}

	private void publish(Outgoing message) {
		int size = message.body().length;
		this.queuedBytes.addAndGet(-size);
		LaneCounters counters = message.counters();
		if (counters != null) {
			counters.unqueued(size);
		}
		try {
			channel().basicPublish(message.exchange(), message.routingKey(), false, message.properties(),
					message.body());
			if (counters != null) {
				counters.sentMessages.increment();
				counters.sentBytes.add(size);
			}
			if (message.written() != null) {
				message.written().complete(null);
			}
		}
		catch (Exception ex) {
			closeChannel();
			if (counters != null) {
				counters.droppedMessages.increment();
			}
			if (message.written() != null) {
				message.written()
					.completeExceptionally(new BrokerUnavailableException(
							"Publishing on " + this.name + " failed: " + ex.getMessage()));
			}
			logger.debug("Publishing on {} failed", this.name, ex);
			this.onFailure.accept(ex);
		}
	}

	private Channel channel() {
		Channel current = this.channel;
		if (current == null || !current.isOpen()) {
			current = this.connectionFactory.createConnection().createChannel(false);
			this.channel = current;
		}
		return current;
	}

	private void closeChannel() {
		Channel current = this.channel;
		this.channel = null;
		if (current != null && current.isOpen()) {
			try {
				current.close();
			}
			catch (Exception ex) {
				logger.trace("Closing the channel of {} failed", this.name, ex);
			}
		}
	}

	private void failQueued() {
		Outgoing left;
		while ((left = this.queue.poll()) != null) {
			if (!left.superseded().compareAndSet(false, true)) {
				continue; // already replaced by a newer one, and accounted for then
			}
			if (left.counters() != null) {
				left.counters().unqueued(left.body().length);
				left.counters().droppedMessages.increment();
			}
			if (left.written() != null) {
				left.written().completeExceptionally(new BrokerUnavailableException(this.name + " is closed"));
			}
		}
	}

	/**
	 * Stops taking messages; the lane's thread empties its queue and ends (see
	 * {@link #close()}).
	 */
	void stopTaking() {
		this.running = false;
	}

	/**
	 * Stops taking messages, gives the queued ones a second to go out, then fails the
	 * rest.
	 */
	@Override
	public void close() {
		this.running = false;
		try {
			this.thread.join(1000);
			if (this.thread.isAlive()) {
				this.thread.interrupt();
				this.thread.join(2000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
