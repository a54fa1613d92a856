/**
 * {@code @PartisanChannel} handler methods: discovery on Spring beans, validation,
 * registration with the node, and the handler-to-channel registry the template reads.
 */
@NullMarked
package dev.partisan.spring.handler;

import org.jspecify.annotations.NullMarked;
