package dev.partisan.spring.boot.autoconfigure;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * One non-daemon thread that does nothing but wait, held from {@link #start(String)} to
 * {@link #stop()}. The node's own threads (Netty event loops, handler workers, the
 * control loop) are daemons so that a node never holds up a JVM that is shutting down;
 * without this thread an application with no web server would therefore exit right after
 * start-up, while its node should be serving. It is the same idea as Spring Boot's
 * {@code spring.main.keep-alive}, scoped to the node's lifetime.
 */
final class KeepAlive {

	/** Its thread's name: this prefix and the node's name, for thread dumps. */
	static final String THREAD_NAME_PREFIX = "partisan-keep-alive-";

	private @Nullable CountDownLatch released;

	private @Nullable Thread thread;

	synchronized void start(String nodeName) {
		if (this.thread != null) {
			return;
		}
		CountDownLatch latch = new CountDownLatch(1);
		Thread waiter = new Thread(() -> awaitQuietly(latch), THREAD_NAME_PREFIX + nodeName);
		// Non-daemon on purpose: this is the thread that keeps the JVM running.
		waiter.setDaemon(false);
		waiter.start();
		this.released = latch;
		this.thread = waiter;
	}

	/** Releases the thread and waits briefly for it to end. */
	synchronized void stop() {
		CountDownLatch latch = this.released;
		Thread waiter = this.thread;
		this.released = null;
		this.thread = null;
		if (latch == null || waiter == null) {
			return;
		}
		latch.countDown();
		try {
			waiter.join(TimeUnit.SECONDS.toMillis(1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	synchronized boolean isHeld() {
		return this.thread != null;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			// Interrupted from outside: stop holding the JVM.
			Thread.currentThread().interrupt();
		}
	}

}
