package dev.partisan.fuzz.trap;

/**
 * A class no allow-list names: if a codec ever initializes it, as a gadget chain would
 * initialize its first link, its static initializer says so.
 */
public final class Trap {

	static {
		Sprung.INITIALIZED.set(true);
	}

	public String name = "trap";

}
