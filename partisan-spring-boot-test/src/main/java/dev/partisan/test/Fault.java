package dev.partisan.test;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.Registration;

/**
 * A fault in force between nodes, made by a {@link Link}: it lasts until {@link #heal()},
 * {@link PartisanCluster#healAll()} or the end of a node it was injected on.
 */
public final class Fault {

	private final String description;

	private final List<Registration> registrations;

	private final LongAdder affected;

	Fault(String description, List<Registration> registrations, LongAdder affected) {
		this.description = description;
		this.registrations = List.copyOf(registrations);
		this.affected = affected;
	}

	/** Ends the fault; later messages pass. Idempotent. */
	public void heal() {
		this.registrations.forEach(Registration::remove);
	}

	/**
	 * How many messages the fault has dropped or delayed so far: a test can check that it
	 * hit what it meant to.
	 */
	public long affected() {
		return this.affected.sum();
	}

	@Override
	public String toString() {
		return this.description;
	}

}
