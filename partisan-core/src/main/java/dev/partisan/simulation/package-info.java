/**
 * A deterministic simulator for overlays: the same overlay classes the runtime uses,
 * driven on an in-memory network with virtual time and seeded randomness, so a thousand
 * nodes run in one JVM in seconds and a seed reproduces a run exactly.
 */
@NullMarked
package dev.partisan.simulation;

import org.jspecify.annotations.NullMarked;
