/**
 * Runs the deterministic simulator of {@code partisan-core} to compare overlays: a
 * program that uses the library, not part of it.
 */
@NullMarked
package dev.partisan.example.simulation;

import org.jspecify.annotations.NullMarked;
