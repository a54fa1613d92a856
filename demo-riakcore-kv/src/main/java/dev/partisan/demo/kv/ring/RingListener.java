package dev.partisan.demo.kv.ring;

/** Told the ring after every change and on every gossip round, so it can also retry what failed before. */
@FunctionalInterface
public interface RingListener {

	void ring(Ring ring);

}
