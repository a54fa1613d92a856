/**
 * The demo's state-based CRDTs: pure, immutable lattices with no Spring and no Partisan
 * in them.
 */
@NullMarked
package dev.partisan.demo.lasp.crdt;

import org.jspecify.annotations.NullMarked;
