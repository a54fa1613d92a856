package dev.partisan.demo.lasp;

import dev.partisan.api.Partisan;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.core.LaspNode;
import dev.partisan.demo.lasp.sync.AdUpdateCodec;
import dev.partisan.spring.boot.autoconfigure.PartisanConfigCustomizer;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's plain-Java core as beans: this node's {@link Replica} and the
 * {@link LaspNode} that acts on it. The Spring components (state sync, handlers,
 * simulated views) only call into it.
 */
@Configuration(proxyBeanMethods = false)
class LaspConfiguration {

	@Bean
	Replica replica(Partisan partisan) {
		return Replica.of(partisan);
	}

	@Bean
	LaspNode laspNode(Replica replica, LaspProperties properties) {
		return new LaspNode(replica, properties.ads(), properties.threshold());
	}

	/**
	 * The state each node sends every round travels in its compact binary form
	 * ({@link AdUpdateCodec}), not as JSON.
	 */
	@Bean
	PartisanConfigCustomizer adUpdateCodec() {
		return (builder) -> builder.codec(new AdUpdateCodec());
	}

	/**
	 * Opens the catalogue once the application has started: servers create the configured
	 * ads.
	 */
	@Bean
	ApplicationRunner adCatalogue(LaspNode node) {
		return (args) -> node.open();
	}

}
