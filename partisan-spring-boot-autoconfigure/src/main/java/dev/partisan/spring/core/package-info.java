/**
 * What a Spring application uses to talk to the cluster: the template and membership
 * events.
 */
@NullMarked
package dev.partisan.spring.core;

import org.jspecify.annotations.NullMarked;
