/**
 * A runnable local cluster that shows the runtime at work without any external service.
 */
@NullMarked
package dev.partisan.example;

import org.jspecify.annotations.NullMarked;
