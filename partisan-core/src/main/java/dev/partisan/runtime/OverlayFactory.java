package dev.partisan.runtime;

import dev.partisan.membership.Overlay;

/** Makes the overlay of one node; called once per node start. */
@FunctionalInterface
public interface OverlayFactory {

	Overlay create(PartisanConfig config);

}
