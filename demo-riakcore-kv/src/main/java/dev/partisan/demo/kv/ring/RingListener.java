package dev.partisan.demo.kv.ring;

/**
 * Told the ring after every change and on every gossip round, so it can also retry what
 * failed before.
 */
@FunctionalInterface
public interface RingListener {

	void ring(Ring ring);

	/**
	 * This node has given the ring away and is about to stop: finish what must reach the
	 * others first. Called on the stopping thread, before the Partisan node stops.
	 */
	default void left() {
	}

}
