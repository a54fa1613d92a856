/**
 * The publish-subscribe overlay: membership and messaging through an AMQP 0-9-1 broker
 * (RabbitMQ), for nodes that cannot accept connections. Needs Spring AMQP
 * ({@code spring-rabbit}) on the class path.
 */
@NullMarked
package dev.partisan.pubsub;

import org.jspecify.annotations.NullMarked;
