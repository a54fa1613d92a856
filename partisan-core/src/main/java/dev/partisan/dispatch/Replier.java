package dev.partisan.dispatch;

import org.jspecify.annotations.Nullable;

/** Sends the answer to a call back to its sender. */
@FunctionalInterface
public interface Replier {

	/**
	 * @param call the delivery that was a call
	 * @param value what the handler returned, when it did not fail
	 * @param error why there is no value (the handler threw, or there is no handler), or
	 * {@code null}
	 */
	void reply(Delivery call, @Nullable Object value, @Nullable String error);

}
