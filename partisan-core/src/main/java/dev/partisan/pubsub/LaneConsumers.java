package dev.partisan.pubsub;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

/**
 * The container of a node's queue consumers: Spring AMQP's direct container under a name
 * of our own, so that what it logs about our consumers goes to the logger
 * {@code dev.partisan.pubsub.LaneConsumers} and not to the one the application's own
 * listener containers share. That matters on a broker blip: the container reports every
 * consumer whose channel closed at ERROR ("Consumer canceled - channel closed"), one line
 * per queue, before it restarts them a second later (and "Error acking" for an
 * acknowledgement that met a closed channel; the broker delivers that message again),
 * while the transport already tells the story at the right levels (the loss at WARN,
 * hearing again at INFO). The Spring Boot starter turns this logger off by default;
 * without Spring, configure it in the logging backend.
 */
final class LaneConsumers extends DirectMessageListenerContainer {

	LaneConsumers(ConnectionFactory connectionFactory) {
		super(connectionFactory);
	}

}
