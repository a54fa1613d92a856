/**
 * Benchmarks of the papers' experiments. {@link dev.partisan.bench.BenchMain} plans the
 * cases, sets up the network (loopback, or namespaces with added latency), starts a
 * receiver and a sender JVM per transport, collects their results and writes the report.
 */
@NullMarked
package dev.partisan.bench;

import org.jspecify.annotations.NullMarked;
