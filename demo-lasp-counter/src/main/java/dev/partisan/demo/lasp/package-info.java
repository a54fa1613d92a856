/**
 * The papers' Lasp case study, an advertisement counter, on the Partisan starter:
 * {@code crdt} holds the lattices, {@code ads} the local replica and the roles,
 * {@code sync} how replicas exchange state, {@code web} the HTTP API, {@code sim} the
 * simulated clients, {@code cluster} the one-command cluster.
 */
@NullMarked
package dev.partisan.demo.lasp;

import org.jspecify.annotations.NullMarked;
