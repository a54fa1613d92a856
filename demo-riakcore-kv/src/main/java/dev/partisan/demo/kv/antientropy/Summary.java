package dev.partisan.demo.kv.antientropy;

import java.util.Map;

import dev.partisan.demo.kv.vnode.Versioned.Version;

/**
 * What one replica holds of one primary partition, without the values: sent to a fellow
 * replica, which answers with a {@link Repair} of whatever it holds newer.
 *
 * @param primary the partition whose keys these are (the first of their preference list)
 * @param from the sending vnode's partition
 * @param to the receiving vnode's partition
 * @param versions each key's stamp
 */
public record Summary(int primary, int from, int to, Map<String, Version> versions) {
}
