/**
 * Overlays: who a node connects to and who its members are (the papers'
 * {@code peer_service_manager}). An overlay talks to the rest of the node only through
 * {@link dev.partisan.membership.OverlayContext}, and all of its methods run on one
 * thread, so the same overlay code can be driven by the network runtime or by a simulator
 * with virtual time.
 */
@NullMarked
package dev.partisan.membership;

import org.jspecify.annotations.NullMarked;
