package dev.partisan.spring.boot.actuate;

import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.autoconfigure.PartisanAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Partisan's meters ({@link PartisanMeters}), bound to every registry, when Micrometer is
 * present. Ordered after Spring Boot's metrics auto-configurations so that their registry
 * exists when the condition runs.
 */
@AutoConfiguration(after = PartisanAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ Partisan.class, MeterRegistry.class })
public final class PartisanMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PartisanMeters partisanMeters(Partisan partisan) {
		return new PartisanMeters(partisan);
	}

}
