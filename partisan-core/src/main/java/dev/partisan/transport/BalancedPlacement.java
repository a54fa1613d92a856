package dev.partisan.transport;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntPredicate;

/**
 * {@link LanePlacement#BALANCED} for one channel to one peer: a table of active flows and
 * the lane each was given. Placing and forgetting a flow are atomic per flow (the table's
 * own per-key locking), so a flow is never on two lanes at once.
 */
final class BalancedPlacement {

	/**
	 * How long a flow keeps its lane after its last message (if nothing of it can still
	 * be queued).
	 */
	static final Duration STICKINESS = Duration.ofSeconds(10);

	/**
	 * Active flows remembered per peer and channel; beyond, new flows fall back to the
	 * hash.
	 */
	static final int MAX_FLOWS = 65_536;

	private static final class Slot {

		final int lane;

		long lastUsedNanos;

		Slot(int lane) {
			this.lane = lane;
		}

	}

	private final ConcurrentHashMap<Long, Slot> flows = new ConcurrentHashMap<>();

	private final AtomicIntegerArray flowsPerLane;

	private final AtomicInteger cursor = new AtomicInteger();

	BalancedPlacement(int lanes) {
		this.flowsPerLane = new AtomicIntegerArray(lanes);
	}

	/**
	 * The lane of {@code flow}: the one it has, or the least loaded for a new flow. A
	 * flow is known by the same 64-bit mixed hash the hash placement uses, so keys it
	 * treats alike (7 and 7L, equal byte arrays) are one flow here too (and two flows
	 * whose hashes collide share a lane, which keeps both in order); past
	 * {@link #MAX_FLOWS} that hash picks the lane, as {@link LanePlacement#HASH} would.
	 */
	int laneFor(Object flow, long nowNanos) {
		long key = LaneSelector.hashKey(flow);
		Slot slot = this.flows.compute(key, (k, existing) -> {
			Slot current = existing;
			if (current == null) {
				if (this.flows.size() >= MAX_FLOWS) {
					return null;
				}
				current = new Slot(leastLoaded());
			}
			current.lastUsedNanos = nowNanos;
			return current;
		});
		return (slot != null) ? slot.lane : LaneSelector.floorMod(key, this.flowsPerLane.length());
	}

	/** Forgets flows idle for {@link #STICKINESS} whose lane has nothing queued. */
	void sweep(long nowNanos, IntPredicate laneIsEmpty) {
		long idle = STICKINESS.toNanos();
		for (Long key : this.flows.keySet()) {
			this.flows.computeIfPresent(key, (k, slot) -> {
				if (nowNanos - slot.lastUsedNanos > idle && laneIsEmpty.test(slot.lane)) {
					this.flowsPerLane.decrementAndGet(slot.lane);
					return null;
				}
				return slot;
			});
		}
	}

	int activeFlows() {
		return this.flows.size();
	}

	/**
	 * Starts the scan at a rotating lane, so ties spread instead of piling onto lane 0.
	 */
	private int leastLoaded() {
		int lanes = this.flowsPerLane.length();
		int start = Math.floorMod(this.cursor.getAndIncrement(), lanes);
		int best = start;
		for (int i = 1; i < lanes; i++) {
			int lane = (start + i) % lanes;
			if (this.flowsPerLane.get(lane) < this.flowsPerLane.get(best)) {
				best = lane;
			}
		}
		this.flowsPerLane.incrementAndGet(best);
		return best;
	}

}
