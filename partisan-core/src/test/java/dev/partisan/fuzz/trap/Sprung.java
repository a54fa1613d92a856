package dev.partisan.fuzz.trap;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether {@link Trap} was ever initialized; a class of its own so reading it does not.
 */
public final class Sprung {

	public static final AtomicBoolean INITIALIZED = new AtomicBoolean();

	private Sprung() {
	}

}
