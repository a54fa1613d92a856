/**
 * What an application sees of Partisan: the {@link dev.partisan.api.Partisan} runtime,
 * node identities, forwarding options, handlers, membership listeners and the exception
 * family. Nothing here depends on the transport or on an overlay, so applications and
 * overlays can be written against it alone.
 */
@NullMarked
package dev.partisan.api;

import org.jspecify.annotations.NullMarked;
