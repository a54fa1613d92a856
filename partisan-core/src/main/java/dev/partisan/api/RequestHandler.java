package dev.partisan.api;

import org.jspecify.annotations.Nullable;

/**
 * A named actor that answers: what it returns is the reply to a {@link Partisan#call
 * call} (ignored for a plain {@code forward}); an exception it throws fails the caller's
 * future with a {@link RemoteHandlerException}. Otherwise the same as
 * {@link MessageHandler}.
 *
 * @param <T> the payload type it accepts
 */
@FunctionalInterface
public interface RequestHandler<T> {

	@Nullable Object handle(T payload, PartisanMessage message) throws Exception;

}
