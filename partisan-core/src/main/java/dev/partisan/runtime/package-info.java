/**
 * The runtime that composes the pieces: configuration, the node
 * ({@link dev.partisan.runtime.PartisanNode}), failure detection and up/down tracking,
 * and the control-message codec.
 */
@NullMarked
package dev.partisan.runtime;

import org.jspecify.annotations.NullMarked;
