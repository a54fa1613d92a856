package dev.partisan.demo.kv.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a service future on a request thread, rethrowing its own failure for the
 * error handler.
 */
final class Futures {

	private Futures() {
	}

	static <T> T await(CompletableFuture<T> future, Duration limit) {
		try {
			return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("No answer within " + limit, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
