package dev.partisan.demo.kv.vnode;

import java.util.Map;

import dev.partisan.demo.kv.ring.Ring;

/**
 * A partition's data on its way from its old owner to its new one.
 *
 * @param partition the partition
 * @param from the old owner
 * @param entries every key the old owner held in it, tombstones included
 * @param ring the ring that moved it: the new owner takes it first, so that a handoff
 * that overtakes the gossiped ring is not sent straight back by a new owner that still
 * has the old ring
 */
public record Handoff(int partition, String from, Map<String, Versioned> entries, Ring ring) {

	/** The new owner's receipt: the old owner may drop the partition. */
	public record Ack(int partition, int entries) {
	}

}
