package dev.partisan.demo.kv.antientropy;

import java.util.Map;

import dev.partisan.demo.kv.vnode.Versioned;

/**
 * Values a replica found it holds newer than (or missing from) a fellow replica's
 * summary.
 *
 * @param to the partition of the vnode to merge them into
 * @param entries the values
 */
public record Repair(int to, Map<String, Versioned> entries) {
}
