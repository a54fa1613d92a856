/**
 * How replicas exchange state: periodic full-state pushes to the overlay's neighbours on
 * the monotonic {@code crdt} channel, and a last push when a node stops.
 */
@NullMarked
package dev.partisan.demo.lasp.sync;

import org.jspecify.annotations.NullMarked;
