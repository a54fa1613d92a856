/**
 * The papers' scale experiment: the counter's own code ({@code core}) on simulated
 * client-server and peer-to-peer clusters, with the real overlay classes, virtual time
 * and real frames, from 32 nodes up. {@link dev.partisan.demo.lasp.scale.ScaleExperiment}
 * writes the CSV and the chart.
 */
@NullMarked
package dev.partisan.demo.lasp.scale;

import org.jspecify.annotations.NullMarked;
