package dev.partisan.spring.boot.autoconfigure;

import java.util.List;
import java.util.Map;

import dev.partisan.api.Partisan;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.spring.core.PartisanTemplate;
import dev.partisan.spring.handler.PartisanHandlerRegistrar;
import dev.partisan.spring.handler.PartisanHandlerRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A Partisan node from {@code partisan.*}: its configuration, the runtime, its lifecycle,
 * handler discovery and the template. Every bean backs off when the application defines
 * its own.
 */
@AutoConfiguration
@ConditionalOnClass(Partisan.class)
@ConditionalOnBooleanProperty(name = "partisan.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PartisanProperties.class)
public final class PartisanAutoConfiguration {

	@Bean
	static PartisanHandlerRegistrar partisanHandlerRegistrar(Environment environment) {
		// Read from the environment: a static post-processor is created before properties
		// are bound.
		return new PartisanHandlerRegistrar(environment.getProperty("partisan.strict-channels", Boolean.class, true));
	}

	@Bean
	@ConditionalOnMissingBean
	PartisanHandlerRegistry partisanHandlerRegistry() {
		return new PartisanHandlerRegistry();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Partisan.class)
	static final class RuntimeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PartisanConfig partisanConfig(PartisanProperties properties, Environment environment,
				Map<String, OverlayFactory> overlayFactories, ObjectProvider<PartisanConfigCustomizer> customizers,
				ObjectProvider<SslBundles> sslBundles, ObjectProvider<ObservationRegistry> observationRegistry) {
			PartisanConfig.Builder builder = PartisanConfigMapper.toBuilder(properties,
					environment.getProperty("spring.application.name"), overlayFactories);
			builder.tls(SslBundleTls.of(properties.getSecurity().getSsl(), sslBundles.getIfAvailable()));
			if (properties.getObservations().isEnabled()) {
				observationRegistry.ifAvailable(builder::observationRegistry);
			}
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return PartisanConfigMapper.build(builder);
		}

		@Bean(destroyMethod = "close")
		PartisanNode partisan(PartisanConfig config) {
			return PartisanNode.create(config);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	PartisanLifecycle partisanLifecycle(Partisan partisan, PartisanProperties properties,
			ObjectProvider<PartisanConfig> config, ApplicationEventPublisher events) {
		PartisanConfig current = config.getIfAvailable();
		return new PartisanLifecycle(partisan, properties, (current != null) ? current.seeds() : List.of(), events);
	}

	@Bean
	@ConditionalOnMissingBean
	PartisanTemplate partisanTemplate(Partisan partisan, PartisanHandlerRegistry registry,
			PartisanProperties properties) {
		return new PartisanTemplate(partisan, registry, properties.getCallTimeout());
	}

}
