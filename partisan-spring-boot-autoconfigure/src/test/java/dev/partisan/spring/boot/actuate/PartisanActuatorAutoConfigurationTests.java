package dev.partisan.spring.boot.actuate;

import dev.partisan.spring.boot.autoconfigure.PartisanAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Endpoints, health and meters: present with actuator, absent without it or without a
 * node.
 */
class PartisanActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class,
				PartisanActuatorAutoConfiguration.class, PartisanMetricsAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=probe", "partisan.node.port=0",
				"management.endpoints.web.exposure.include=*");

	@Test
	void endpointsAndHealthWithActuator() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PartisanEndpoint.class)
				.hasSingleBean(PartisanChannelsEndpoint.class)
				.hasSingleBean(PartisanHealthIndicator.class);
			assertThat(context.getBean(PartisanHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			assertThat(context.getBean(PartisanEndpoint.class).cluster().members()).hasSize(1);
		});
	}

	@Test
	void metersWhenThereIsARegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(PartisanMeters.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(PartisanMeters.class).bindTo(registry);
			assertThat(registry.get("partisan.members").gauge().value()).isEqualTo(1.0);
		});
	}

	@Test
	void noMetersWithoutARegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(PartisanMeters.class));
	}

	@Test
	void noEndpointsWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanEndpoint.class)
				.hasSingleBean(PartisanHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutTheHealthModule() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanHealthIndicator.class)
				.hasSingleBean(PartisanEndpoint.class));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.partisan.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanHealthIndicator.class));
	}

	@Test
	void nothingWhenPartisanIsDisabled() {
		this.runner.withPropertyValues("partisan.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanEndpoint.class)
				.doesNotHaveBean(PartisanHealthIndicator.class));
	}

}
