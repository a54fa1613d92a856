/**
 * Simulated clients viewing ads by themselves.
 */
@NullMarked
package dev.partisan.demo.lasp.sim;

import org.jspecify.annotations.NullMarked;
