/**
 * Delivery guarantees above best effort: acknowledgement with retransmission on the
 * sender, and de-duplication on the receiver.
 */
@NullMarked
package dev.partisan.delivery;

import org.jspecify.annotations.NullMarked;
