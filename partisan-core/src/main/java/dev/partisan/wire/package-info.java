/**
 * The wire format: length-prefixed binary frames with a fixed header, the handshake that
 * opens every connection, and the payload codec SPI. Only allow-listed types are ever
 * instantiated from the wire, and Java native serialization is never used.
 */
@NullMarked
package dev.partisan.wire;

import org.jspecify.annotations.NullMarked;
