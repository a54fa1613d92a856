package dev.partisan.spring.boot.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.pipeline.MessageConventions;
import dev.partisan.runtime.PartisanConfig;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node is observed in the application's ObservationRegistry when there is one, unless
 * partisan.observations.enabled is false; without one it observes nothing.
 */
class PartisanObservationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=observed", "partisan.node.port=0");

	@Test
	void theApplicationsRegistryObservesTheNodesSends() {
		this.runner.withUserConfiguration(RecordingRegistry.class).run((context) -> {
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			assertThat(context.getBean(PartisanConfig.class).observationRegistry()).isSameAs(registry);
			Partisan partisan = context.getBean(Partisan.class);
			assertThatThrownBy(() -> partisan.forward(NodeId.of("nobody"), "inbox", "hello"))
				.isInstanceOf(PartisanException.class);
			List<Observation.Context> stopped = context.getBean(RecordingRegistry.class).stopped;
			assertThat(stopped).singleElement().satisfies((observed) -> {
				assertThat(observed.getName()).isEqualTo(MessageConventions.SEND);
				assertThat(observed.getLowCardinalityKeyValue(MessageConventions.OUTCOME).getValue())
					.isEqualTo("error");
				assertThat(observed.getHighCardinalityKeyValue(MessageConventions.PEER).getValue()).isEqualTo("nobody");
				assertThat(observed.getError()).isInstanceOf(PartisanException.class);
			});
		});
	}

	@Test
	void turnedOffTheNodeIgnoresTheRegistry() {
		this.runner.withUserConfiguration(RecordingRegistry.class)
			.withPropertyValues("partisan.observations.enabled=false")
			.run((context) -> assertThat(context.getBean(PartisanConfig.class).observationRegistry())
				.isSameAs(ObservationRegistry.NOOP));
	}

	@Test
	void withoutARegistryNothingIsObserved() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationRegistry.class);
			assertThat(context.getBean(PartisanConfig.class).observationRegistry()).isSameAs(ObservationRegistry.NOOP);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingRegistry {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public void onStop(Observation.Context context) {
					RecordingRegistry.this.stopped.add(context);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			});
			return registry;
		}

	}

}
