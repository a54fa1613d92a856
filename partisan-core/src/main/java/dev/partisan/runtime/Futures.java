package dev.partisan.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.partisan.api.PartisanException;

/**
 * Time limits on the node's futures, failing with the exception that says which limit.
 */
final class Futures {

	private Futures() {
	}

	/**
	 * {@code future}, failed with {@code onTimeout}'s exception if it does not complete
	 * within {@code timeout}.
	 */
	static <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, Duration timeout,
			Supplier<PartisanException> onTimeout) {
		return failTimeout(future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS), onTimeout);
	}

	/**
	 * Like {@link #withTimeout(CompletableFuture, Duration, Supplier)}, with the time
	 * limit kept by {@code deadlines}: for the futures made once per message (calls),
	 * whose time limits should not wake a timer thread each.
	 */
	static <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, Duration timeout,
			Supplier<PartisanException> onTimeout, Deadlines deadlines) {
		return failTimeout(deadlines.orTimeout(future, timeout.toMillis()), onTimeout);
	}

	private static <T> CompletableFuture<T> failTimeout(CompletableFuture<T> future,
			Supplier<PartisanException> onTimeout) {
		return future.handle((value, error) -> {
			if (error == null) {
				return value;
			}
			Throwable cause = ControlLoop.unwrap(error);
			if (cause instanceof TimeoutException) {
				throw onTimeout.get();
			}
			throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
		});
	}

	/**
	 * The message of the innermost cause: what a user needs to see of a failure at start.
	 */
	static String rootMessage(Throwable error) {
		Throwable current = error;
		while (current.getCause() != null && current.getCause() != current) {
			current = current.getCause();
		}
		return String.valueOf(current.getMessage());
	}

}
