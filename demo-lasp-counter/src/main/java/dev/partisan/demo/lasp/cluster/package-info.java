/**
 * The one-command local cluster.
 */
@NullMarked
package dev.partisan.demo.lasp.cluster;

import org.jspecify.annotations.NullMarked;
