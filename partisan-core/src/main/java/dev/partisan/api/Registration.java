package dev.partisan.api;

/** Undoes a registration (a listener, a handler). Calling it twice is harmless. */
@FunctionalInterface
public interface Registration extends AutoCloseable {

	void remove();

	@Override
	default void close() {
		remove();
	}

}
