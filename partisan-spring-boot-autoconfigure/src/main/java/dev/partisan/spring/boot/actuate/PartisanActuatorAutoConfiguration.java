package dev.partisan.spring.boot.actuate;

import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.autoconfigure.PartisanAutoConfiguration;
import dev.partisan.spring.boot.autoconfigure.PartisanLifecycle;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator endpoints and health for the Partisan node, each present only when its library
 * is on the class path and the node exists.
 */
@AutoConfiguration(after = PartisanAutoConfiguration.class)
@ConditionalOnBean(Partisan.class)
public final class PartisanActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static final class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		PartisanEndpoint partisanEndpoint(Partisan partisan) {
			return new PartisanEndpoint(partisan);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		PartisanChannelsEndpoint partisanChannelsEndpoint(Partisan partisan) {
			return new PartisanChannelsEndpoint(partisan);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("partisan")
	static final class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "partisanHealthIndicator")
		PartisanHealthIndicator partisanHealthIndicator(Partisan partisan,
				ObjectProvider<PartisanLifecycle> lifecycle) {
			return new PartisanHealthIndicator(partisan, lifecycle.getIfAvailable());
		}

	}

}
