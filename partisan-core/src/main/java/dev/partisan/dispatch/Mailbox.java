package dev.partisan.dispatch;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.LogText;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.api.RequestHandler;
import dev.partisan.transport.InboundFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler's queue. At most one worker drains it at a time (the scheduled flag), which
 * gives actor semantics without a thread per handler; a worker takes a bounded batch and
 * then yields the thread so a busy handler cannot starve the others.
 */
final class Mailbox<T> {

	private static final Logger logger = LoggerFactory.getLogger(Mailbox.class);

	private static final int BATCH = 64;

	final String name;

	final Class<T> type;

	private final RequestHandler<? super T> handler;

	private final Executor executor;

	private final PayloadDecoder decoder;

	private final Replier replier;

	private final int capacity;

	/**
	 * Payloads that do not decode come from a peer, at the peer's rate: one line per
	 * sender a minute, with the count of the others.
	 */
	private final RateLimitedLog rejections = new RateLimitedLog(logger, RateLimitedLog.DEFAULT_INTERVAL, 64);

	private final ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * Connections paused because this mailbox was full, resumed once it drains to half
	 * its capacity.
	 */
	private final ConcurrentLinkedQueue<InboundFlow> paused = new ConcurrentLinkedQueue<>();

	final LongAdder pauses = new LongAdder();

	final LongAdder delivered = new LongAdder();

	final LongAdder failed = new LongAdder();

	final LongAdder dropped = new LongAdder();

	private volatile boolean closed;

	Mailbox(String name, Class<T> type, RequestHandler<? super T> handler, Executor executor, PayloadDecoder decoder,
			Replier replier, int capacity) {
		this.name = name;
		this.type = type;
		this.handler = handler;
		this.executor = executor;
		this.decoder = decoder;
		this.replier = replier;
		this.capacity = capacity;
	}

	/**
	 * Queues a delivery read from a connection that can be paused: it is never dropped
	 * for want of room. An idle mailbox wakes its worker once the connection's current
	 * read has been taken ({@link InboundFlow#afterRead}), so the frames of one read are
	 * handed over together. At capacity the connection is paused until the mailbox is
	 * down to half; what that connection had already read still comes in meanwhile (at
	 * most one socket read), so the bound is soft by that much. Returns false (and
	 * releases the delivery) only when the mailbox is closed.
	 */
	boolean offer(Delivery delivery, InboundFlow flow) {
		if (this.closed) {
			delivery.payload().release();
			this.dropped.increment();
			return false;
		}
		int size = this.size.incrementAndGet();
		this.queue.add(delivery);
		if (this.scheduled.compareAndSet(false, true)) {
			// The rest of the socket read joins it before the worker is woken.
			flow.afterRead(this::submit);
		}
		if (size >= this.capacity) {
			flow.pause();
			this.pauses.increment();
			this.paused.add(flow);
			// The mailbox may have drained while the pause was being registered: check
			// again.
			resumeIfDrained();
		}
		return true;
	}

	/**
	 * Resumes every paused connection once the mailbox is at or below half its capacity.
	 */
	private void resumeIfDrained() {
		if (this.size.get() <= this.capacity / 2 || this.closed) {
			InboundFlow flow;
			while ((flow = this.paused.poll()) != null) {
				flow.resume();
			}
		}
	}

	/**
	 * Queues a delivery; returns false (and releases it) when the mailbox is full or
	 * closed.
	 */
	boolean offer(Delivery delivery) {
		if (this.closed || this.size.incrementAndGet() > this.capacity) {
			if (!this.closed) {
				this.size.decrementAndGet();
			}
			delivery.payload().release();
			this.dropped.increment();
			return false;
		}
		this.queue.add(delivery);
		schedule();
		return true;
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			submit();
		}
	}

	/** Hands the drain to a worker; the scheduled flag is already set. */
	private void submit() {
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			this.scheduled.set(false);
		}
	}

	private void drain() {
		String previous = Dispatcher.CURRENT_HANDLER.get();
		Dispatcher.CURRENT_HANDLER.set(this.name);
		try {
			for (int i = 0; i < BATCH; i++) {
				Delivery next = this.queue.poll();
				if (next == null) {
					break;
				}
				this.size.decrementAndGet();
				process(next);
				if (!this.paused.isEmpty()) {
					resumeIfDrained();
				}
			}
		}
		finally {
			Dispatcher.CURRENT_HANDLER.set(previous);
			this.scheduled.set(false);
		}
		if (!this.queue.isEmpty() && !this.closed) {
			schedule();
		}
	}

	/**
	 * Runs the handler on one delivery; then, whatever happened, the delivery is done
	 * with.
	 */
	private void process(Delivery delivery) {
		HandlerObservation observation = delivery.observation();
		Throwable[] error = new Throwable[1];
		String outcome = HandlerObservation.FAILED;
		observation.start();
		try {
			outcome = run(delivery, error);
		}
		finally {
			observation.stop(outcome, error[0]);
			delivery.handled();
		}
	}

	/**
	 * Decodes the payload and runs the handler; a call's reply leaves before this
	 * returns, so while the handler's observation is current.
	 * @param error receives what went wrong, if anything
	 * @return the outcome, one of {@link HandlerObservation}'s
	 */
	private String run(Delivery delivery, Throwable[] error) {
		T payload;
		try {
			payload = this.type.cast(this.decoder.decode(delivery, this.type));
		}
		catch (RuntimeException ex) {
			error[0] = ex;
			this.failed.increment();
			this.rejections.warn(delivery.meta().sender().name(),
					"Rejected message {} from {} for handler '{}' on channel '{}': {}", delivery.meta().messageId(),
					delivery.meta().sender(), this.name, LogText.escape(delivery.meta().channel()),
					LogText.escape(ex.getMessage()));
			if (delivery.call()) {
				this.replier.reply(delivery, null,
						"Handler '" + this.name + "' rejected the message: " + ex.getMessage());
			}
			return HandlerObservation.REJECTED;
		}
		finally {
			delivery.payload().release();
		}
		Object result;
		try {
			result = this.handler.handle(payload, delivery.meta());
			this.delivered.increment();
		}
		catch (Exception | LinkageError | AssertionError ex) {
			error[0] = ex;
			this.failed.increment();
			logger.error("Handler '{}' failed on message {} from {}; it keeps its name and gets the next message",
					this.name, delivery.meta().messageId(), delivery.meta().sender(), ex);
			if (delivery.call()) {
				this.replier.reply(delivery, null, "Handler '" + this.name + "' failed: " + ex);
			}
			return HandlerObservation.FAILED;
		}
		finally {
			endLoan(payload);
		}
		if (delivery.call()) {
			this.replier.reply(delivery, result, null);
		}
		return HandlerObservation.HANDLED;
	}

	/**
	 * A view lent to the handler ends when the handler returns: its memory may hold the
	 * next message by the time anything reads it again.
	 */
	private static void endLoan(Object payload) {
		if (payload instanceof LentPayload lent) {
			lent.end();
		}
	}

	int size() {
		return this.size.get();
	}

	void close() {
		this.closed = true;
		resumeIfDrained();
		Delivery next;
		while ((next = this.queue.poll()) != null) {
			next.payload().release();
			this.dropped.increment();
		}
	}

}
