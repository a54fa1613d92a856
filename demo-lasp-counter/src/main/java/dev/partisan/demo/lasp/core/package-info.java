/**
 * The application's behaviour as plain Java — no Spring, no Partisan runtime: what a node
 * does at start-up, at each propagation round, when a state arrives and when a device
 * shows an ad. The Spring beans of the demo call it on real nodes; the scale experiment
 * ({@code dev.partisan.demo.lasp.scale}) calls the same code on simulated nodes.
 */
@NullMarked
package dev.partisan.demo.lasp.core;

import org.jspecify.annotations.NullMarked;
