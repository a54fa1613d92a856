/**
 * Message interposition: named functions that observe every message a node sends or
 * receives, may drop, delay or rewrite it, and observe the outcome — added and removed at
 * run time. The fault injector (omission, delay, partition, corruption, crash) is built
 * on it, for tests of an application's resilience.
 */
@NullMarked
package dev.partisan.interpose;

import org.jspecify.annotations.NullMarked;
