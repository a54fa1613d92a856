package dev.partisan.demo.lasp.core;

import dev.partisan.demo.lasp.crdt.AdState;

/**
 * The full state of one ad, as one replica has it. One message per ad rather than the
 * whole replica, so that on the monotonic {@code crdt} channel (partition key: the ad) a
 * newer state of an ad replaces an older one still queued, while the states of other ads
 * are left alone.
 *
 * @param ad the ad's id
 * @param state its state
 */
public record AdUpdate(String ad, AdState state) {
}
