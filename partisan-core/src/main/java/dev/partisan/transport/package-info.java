/**
 * The Reactor Netty transport: one server per node and, per peer, a connection table of
 * channel to lanes. Each node dials its own outbound connections and sends only on them;
 * the connections a peer dials to it are receive-only. That keeps connection ownership
 * free of races (no duplicate-connection resolution) at the cost of two sockets per lane
 * and pair, as in the Erlang original.
 */
@NullMarked
package dev.partisan.transport;

import org.jspecify.annotations.NullMarked;
