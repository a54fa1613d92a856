package dev.partisan.dispatch;

/** Decodes a delivery's payload for a handler that accepts {@code expected}. */
@FunctionalInterface
public interface PayloadDecoder {

	Object decode(Delivery delivery, Class<?> expected);

}
