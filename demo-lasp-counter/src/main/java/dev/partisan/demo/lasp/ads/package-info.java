/**
 * The node's replica of every ad and what its role lets it do with it.
 */
@NullMarked
package dev.partisan.demo.lasp.ads;

import org.jspecify.annotations.NullMarked;
