package dev.partisan.api;

/**
 * A named actor: it is given one message at a time, in arrival order, on a thread that is
 * not a network thread, so it may block briefly. An exception it throws is logged; the
 * handler keeps its name and receives the next message.
 *
 * @param <T> the payload type it accepts
 */
@FunctionalInterface
public interface MessageHandler<T> {

	void handle(T payload, PartisanMessage message) throws Exception;

}
