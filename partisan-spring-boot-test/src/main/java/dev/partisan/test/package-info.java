/**
 * A test kit for an application's own cluster tests:
 * {@link dev.partisan.test.PartisanCluster} starts several nodes in the test's JVM (the
 * application's Spring Boot contexts, or plain nodes) on free loopback ports, waits until
 * they see each other, and gives the test the faults a real network has — partitions,
 * dropped or delayed traffic between two nodes, crashes and restarts — and bounded waits
 * for membership changes.
 */
@NullMarked
package dev.partisan.test;

import org.jspecify.annotations.NullMarked;
