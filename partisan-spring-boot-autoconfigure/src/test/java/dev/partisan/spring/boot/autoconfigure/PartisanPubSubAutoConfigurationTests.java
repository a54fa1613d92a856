package dev.partisan.spring.boot.autoconfigure;

import java.util.UUID;

import dev.partisan.api.Partisan;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.membership.StaticOverlay;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.testing.TestBroker;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pub-sub overlay's auto-configuration: present, absent, overridden, filtered,
 * misconfigured.
 */
class PartisanPubSubAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PartisanPubSubAutoConfiguration.class, PartisanAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=test", "partisan.node.port=0",
				"partisan.pubsub.exchange=partisan-test-" + UUID.randomUUID().toString().substring(0, 8));

	@Test
	void pubsubRunsTheNodeOnTheApplicationsRabbitConnectionFactoryWithoutListening() {
		this.runner.withUserConfiguration(BrokerConfiguration.class)
			.withPropertyValues("partisan.overlay=pubsub", "partisan.pubsub.queue-expiry=30s")
			.run((context) -> {
				assertThat(context).hasBean("pubsub");
				PartisanNode node = context.getBean(PartisanNode.class);
				assertThat(node.overlayName()).isEqualTo("pubsub");
				assertThat(node.isListening()).isFalse();
				assertThat(node.transportDetails()).containsEntry("kind", "amqp")
					.containsEntry("broker", "127.0.0.1:" + TestBroker.get().port());
			});
	}

	@Test
	void absentForTheOtherOverlays() {
		this.runner.withUserConfiguration(BrokerConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean("pubsub");
			assertThat(context.getBean(Partisan.class).overlayName()).isEqualTo("full-mesh");
			assertThat(context.getBean(PartisanNode.class).isListening()).isTrue();
		});
	}

	@Test
	void aUserBeanNamedPubsubReplacesTheAutoConfiguredOne() {
		this.runner.withUserConfiguration(BrokerConfiguration.class, UserPubSubConfiguration.class)
			.withPropertyValues("partisan.overlay=pubsub")
			.run((context) -> {
				assertThat(context).hasSingleBean(OverlayFactory.class);
				assertThat(context.getBean(Partisan.class).overlayName()).isEqualTo("static");
			});
	}

	@Test
	void withoutSpringAmqpOnTheClassPathPubsubIsExplained() {
		this.runner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.withPropertyValues("partisan.overlay=pubsub")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: partisan.overlay")
					.contains("Value: \"pubsub\"")
					.contains("spring-boot-starter-amqp");
			});
	}

	@Test
	void withoutAConnectionFactoryPubsubIsExplained() {
		this.runner.withPropertyValues("partisan.overlay=pubsub").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: partisan.overlay")
				.contains("RabbitMQ ConnectionFactory");
		});
	}

	@Test
	void aBadPubsubSettingIsExplained() {
		this.runner.withUserConfiguration(BrokerConfiguration.class)
			.withPropertyValues("partisan.overlay=pubsub", "partisan.pubsub.prefetch=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: partisan.pubsub")
					.contains("prefetch=0")
					.contains("between 1 and 65535");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class BrokerConfiguration {

		@Bean(destroyMethod = "destroy")
		CachingConnectionFactory rabbitConnectionFactory() {
			return TestBroker.get().connectionFactory();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPubSubConfiguration {

		@Bean
		OverlayFactory pubsub(ConnectionFactory unused) {
			return (config) -> new StaticOverlay();
		}

	}

}
