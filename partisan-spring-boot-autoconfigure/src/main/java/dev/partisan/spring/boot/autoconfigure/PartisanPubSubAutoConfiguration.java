package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.InvalidSettingException;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.pubsub.PubSubOverlay;
import dev.partisan.pubsub.PubSubSettings;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The pub-sub overlay ({@code partisan.overlay: pubsub}) on the RabbitMQ
 * {@link ConnectionFactory} that Spring Boot configures from {@code spring.rabbitmq.*}.
 * The factory is a bean named {@code pubsub}, which {@link PartisanAutoConfiguration}
 * picks up by the overlay's name; define a bean of that name to replace it. The
 * connection factory is looked up when the node starts, so this needs no ordering against
 * Spring Boot's AMQP auto-configuration.
 */
@AutoConfiguration(before = PartisanAutoConfiguration.class)
@ConditionalOnClass({ RabbitTemplate.class, PubSubOverlay.class })
@ConditionalOnProperty(name = "partisan.overlay", havingValue = PartisanConfigMapper.PUBSUB)
@EnableConfigurationProperties(PartisanProperties.class)
public final class PartisanPubSubAutoConfiguration {

	@Bean(name = PartisanConfigMapper.PUBSUB)
	@ConditionalOnMissingBean(name = PartisanConfigMapper.PUBSUB)
	OverlayFactory pubsub(PartisanProperties properties, ObjectProvider<ConnectionFactory> connectionFactory) {
		ConnectionFactory rabbit = connectionFactory.getIfAvailable();
		if (rabbit == null) {
			throw new InvalidPartisanPropertyException("partisan.overlay", PartisanConfigMapper.PUBSUB,
					"an overlay whose broker is configured: 'pubsub' needs a RabbitMQ ConnectionFactory bean "
							+ "(spring-boot-starter-amqp configures one from spring.rabbitmq.*)");
		}
		return PubSubOverlay.factory(rabbit, settings(properties.getPubsub()));
	}

	private static PubSubSettings settings(PartisanProperties.PubSub p) {
		try {
			return new PubSubSettings(p.getExchange(), p.getAnnounceInterval(), p.getQueueExpiry(),
					p.getMaxQueueLength(), p.getPrefetch());
		}
		catch (InvalidSettingException ex) {
			throw InvalidPartisanPropertyException.of(ex);
		}
	}

}
