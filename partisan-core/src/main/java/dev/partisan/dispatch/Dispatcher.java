package dev.partisan.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.LogText;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.api.Registration;
import dev.partisan.api.RequestHandler;
import dev.partisan.transport.InboundFlow;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The named handlers of a node and the worker pool that runs their mailboxes. */
public final class Dispatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/**
	 * The name of the handler running on this thread, used as the sender identity for
	 * affinity.
	 */
	static final ThreadLocal<@Nullable String> CURRENT_HANDLER = new ThreadLocal<>();

	private final Map<String, Mailbox<?>> mailboxes = new ConcurrentHashMap<>();

	/**
	 * Peer-triggered warnings (unknown handler names, full mailboxes): a peer picks the
	 * names and the rate, so both the names remembered and the lines logged are bounded.
	 */
	private final RateLimitedLog peerWarnings = new RateLimitedLog(logger);

	private final LongAdder undeliverable = new LongAdder();

	private final ExecutorService workers;

	private final PayloadDecoder decoder;

	private final Replier replier;

	private final int mailboxCapacity;

	public Dispatcher(String nodeName, int threads, int mailboxCapacity, PayloadDecoder decoder, Replier replier) {
		this.decoder = decoder;
		this.replier = replier;
		this.mailboxCapacity = mailboxCapacity;
		AtomicInteger counter = new AtomicInteger();
		ThreadFactory factory = (task) -> {
			Thread thread = new Thread(task, "partisan-" + nodeName + "-handler-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				factory);
	}

	/**
	 * The handler name running on the calling thread, or {@code null} outside handlers.
	 */
	public static @Nullable String currentHandler() {
		return CURRENT_HANDLER.get();
	}

	public <T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler) {
		return registerRequestHandler(name, type, (payload, meta) -> {
			handler.handle(payload, meta);
			return null;
		});
	}

	public <T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler) {
		if (name.isBlank()) {
			throw new IllegalArgumentException("A handler name must not be blank");
		}
		Mailbox<T> mailbox = new Mailbox<>(name, type, handler, this.workers, this.decoder, this.replier,
				this.mailboxCapacity);
		if (this.mailboxes.putIfAbsent(name, mailbox) != null) {
			throw new IllegalStateException("A handler named '" + name + "' is already registered");
		}
		return () -> {
			if (this.mailboxes.remove(name, mailbox)) {
				mailbox.close();
			}
		};
	}

	public void unregister(String name) {
		Mailbox<?> removed = this.mailboxes.remove(name);
		if (removed != null) {
			removed.close();
		}
	}

	/** The payload type of the handler named {@code name}, if one is registered. */
	public @Nullable Class<?> typeOf(String name) {
		Mailbox<?> mailbox = this.mailboxes.get(name);
		return (mailbox != null) ? mailbox.type : null;
	}

	/**
	 * Hands a delivery to its handler's mailbox; the delivery's payload is always
	 * released eventually.
	 * @return false when the handler's mailbox is full (the message was dropped)
	 */
	public boolean dispatch(Delivery delivery) {
		return dispatch(delivery, null);
	}

	/**
	 * Like {@link #dispatch(Delivery)}; with {@code flow}, the connection the delivery
	 * was read from, a full mailbox pauses that connection instead of dropping the
	 * message (read back-pressure).
	 * @return false when the message was dropped (a full mailbox without a flow, or a
	 * closed one)
	 */
	public boolean dispatch(Delivery delivery, @Nullable InboundFlow flow) {
		String name = delivery.meta().destination();
		Mailbox<?> mailbox = this.mailboxes.get(name);
		if (mailbox == null) {
			delivery.payload().release();
			this.undeliverable.increment();
			if (delivery.call()) {
				this.replier.reply(delivery, null, "No handler named '" + name + "'");
			}
			this.peerWarnings.warn("unknown:" + name,
					"No handler named '{}' for message {} from {}; dropped (logged once a minute per name)",
					LogText.escape(name), delivery.meta().messageId(), delivery.meta().sender());
			// Refused for good: retransmitting it would not find a handler either.
			delivery.handled();
			return true;
		}
		if (flow != null) {
			return mailbox.offer(delivery, flow);
		}
		if (!mailbox.offer(delivery)) {
			this.peerWarnings.warn("full:" + name,
					"Mailbox of handler '{}' is full ({} messages); dropped message {} from {} (logged once a minute per handler)",
					LogText.escape(name), this.mailboxCapacity, delivery.meta().messageId(), delivery.meta().sender());
			return false;
		}
		return true;
	}

	/** Runs a task on the handler workers (e.g. decoding a reply off the event loop). */
	public void execute(Runnable task) {
		this.workers.execute(task);
	}

	/** How many times a full mailbox paused the connection it was being fed from. */
	public long backpressurePauses() {
		return this.mailboxes.values().stream().mapToLong((m) -> m.pauses.sum()).sum();
	}

	/** How many names the peer-warning log remembers (bounded, whatever peers send). */
	int warningKeys() {
		return this.peerWarnings.keys();
	}

	public long undeliverable() {
		return this.undeliverable.sum();
	}

	@Override
	public void close() {
		this.mailboxes.values().forEach(Mailbox::close);
		this.mailboxes.clear();
		this.workers.shutdownNow();
	}

}
