package dev.partisan.spring.boot.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanMessage;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.membership.StaticOverlay;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.spring.core.PartisanTemplate;
import dev.partisan.spring.handler.InvalidPartisanHandlerException;
import dev.partisan.spring.handler.PartisanChannel;
import dev.partisan.spring.handler.PartisanHandlerRegistry;
import dev.partisan.transport.LanePlacement;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configuration: present, absent, overridden, filtered, and every bad value
 * explained.
 */
class PartisanAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=test", "partisan.node.port=0");

	@Test
	void aStartedNodeTemplateAndLifecycleByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PartisanNode.class)
				.hasSingleBean(PartisanTemplate.class)
				.hasSingleBean(PartisanLifecycle.class)
				.hasSingleBean(PartisanHandlerRegistry.class);
			Partisan partisan = context.getBean(Partisan.class);
			assertThat(partisan.overlayName()).isEqualTo("full-mesh");
			assertThat(partisan.localNode().name()).isEqualTo("test");
			assertThat(partisan.localNode().port()).isPositive();
			assertThat(context.getBean(PartisanLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void leftUnsetTheNodeNameIsTheApplicationNameAndTheHostNameSoReplicasOnOtherHostsDiffer() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
			.withPropertyValues("spring.application.name=order service", "partisan.node.port=0")
			.run((context) -> assertThat(context.getBean(Partisan.class).localNode().name())
				.isEqualTo("order-service-" + PartisanConfigMapper.hostName())
				.matches("[A-Za-z0-9._-]+"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
			.withPropertyValues("partisan.node.port=0")
			.run((context) -> assertThat(context.getBean(Partisan.class).localNode().name())
				.isEqualTo(PartisanConfigMapper.hostName()));
	}

	@Test
	void aRunningNodeHoldsANonDaemonKeepAliveThreadUntilTheContextCloses() {
		AtomicReference<@Nullable Thread> held = new AtomicReference<>();
		this.runner.withPropertyValues("partisan.node.name=kept").run((context) -> {
			assertThat(context.getBean(PartisanLifecycle.class).isKeepingAlive()).isTrue();
			Thread thread = keepAliveThread("kept");
			assertThat(thread).isNotNull();
			assertThat(thread.isDaemon()).isFalse();
			held.set(thread);
		});
		// The runner closed the context: the thread is released, not merely forgotten.
		Thread thread = held.get();
		assertThat(thread).isNotNull();
		assertThat(thread.isAlive()).isFalse();
		assertThat(keepAliveThread("kept")).isNull();
	}

	@Test
	void keepAliveFalseLeavesTheJvmToTheApplication() {
		this.runner.withPropertyValues("partisan.node.name=unkept", "partisan.keep-alive=false").run((context) -> {
			assertThat(context.getBean(PartisanLifecycle.class).isRunning()).isTrue();
			assertThat(context.getBean(PartisanLifecycle.class).isKeepingAlive()).isFalse();
			assertThat(keepAliveThread("unkept")).isNull();
		});
	}

	private static @Nullable Thread keepAliveThread(String nodeName) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(KeepAlive.THREAD_NAME_PREFIX + nodeName) && thread.isAlive())
			.findFirst()
			.orElse(null);
	}

	@Test
	void propertiesReachTheNodesConfiguration() {
		this.runner
			.withPropertyValues("partisan.parallelism=2", "partisan.channels.vnode.parallelism=4",
					"partisan.channels.vnode.placement=balanced", "partisan.channels.gossip.compression=true",
					"partisan.heartbeat-interval=200ms", "partisan.failure-timeout=2s", "partisan.max-frame-size=8MB",
					"partisan.seeds=n2@127.0.0.1:1")
			.run((context) -> {
				PartisanConfig config = context.getBean(PartisanConfig.class);
				assertThat(config.channels()).containsOnlyKeys("default", "vnode", "gossip");
				assertThat(config.channels().get("default").parallelism()).isEqualTo(2);
				assertThat(config.channels().get("vnode").parallelism()).isEqualTo(4);
				assertThat(config.channels().get("vnode").placement()).isEqualTo(LanePlacement.BALANCED);
				assertThat(config.channels().get("gossip").placement()).isEqualTo(LanePlacement.HASH);
				assertThat(config.channels().get("gossip").parallelism()).isEqualTo(2);
				assertThat(config.channels().get("gossip").compression()).isTrue();
				assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
				assertThat(config.maxFrameSize()).isEqualTo(8 * 1024 * 1024);
				assertThat(config.seeds()).extracting((n) -> n.address()).containsExactly("n2@127.0.0.1:1");
			});
	}

	@Test
	void thePropertyDefaultsAreTheCoreDefaults() {
		PartisanConfig fromProperties = PartisanConfigMapper
			.build(PartisanConfigMapper.toBuilder(new PartisanProperties(), "same", java.util.Map.of()));
		PartisanConfig core = PartisanConfig.builder("same-" + PartisanConfigMapper.hostName()).build();
		assertThat(fromProperties.node()).isEqualTo(core.node());
		assertThat(fromProperties.channels()).isEqualTo(core.channels());
		assertThat(fromProperties.affinity()).isEqualTo(core.affinity());
		assertThat(fromProperties.heartbeatInterval()).isEqualTo(core.heartbeatInterval());
		assertThat(fromProperties.failureTimeout()).isEqualTo(core.failureTimeout());
		assertThat(fromProperties.gossipInterval()).isEqualTo(core.gossipInterval());
		assertThat(fromProperties.joinTimeout()).isEqualTo(core.joinTimeout());
		assertThat(fromProperties.maxFrameSize()).isEqualTo(core.maxFrameSize());
		assertThat(fromProperties.compressionThreshold()).isEqualTo(core.compressionThreshold());
		assertThat(fromProperties.mailboxCapacity()).isEqualTo(core.mailboxCapacity());
		assertThat(fromProperties.handlerThreads()).isEqualTo(core.handlerThreads());
	}

	@Test
	void anUnreachableSeedDoesNotFailStartUp() {
		this.runner.withPropertyValues("partisan.seeds=nobody@127.0.0.1:1", "partisan.join-retry-interval=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Partisan.class).members()).hasSize(1);
			});
	}

	@Test
	void seedsAreDiscoveredThroughDns() {
		try (PartisanNode seed = PartisanNode.create(PartisanConfig.builder("seed").port(0).build()).start()) {
			this.runner
				.withPropertyValues("partisan.discovery.dns.name=localhost",
						"partisan.discovery.dns.port=" + seed.localNode().port(),
						"partisan.discovery.dns.refresh-interval=200ms")
				.run((context) -> await().atMost(Duration.ofSeconds(20))
					.untilAsserted(
							() -> assertThat(context.getBean(Partisan.class).members()).extracting((n) -> n.name())
								.contains("seed")));
		}
	}

	@Test
	void theStaticOverlayIsSelectedByName() {
		this.runner.withPropertyValues("partisan.overlay=static")
			.run((context) -> assertThat(context.getBean(Partisan.class).overlayName()).isEqualTo("static"));
	}

	@Test
	void anOverlayFactoryBeanIsSelectedByItsName() {
		this.runner.withUserConfiguration(CustomOverlayConfiguration.class)
			.withPropertyValues("partisan.overlay=fixedMembers")
			.run((context) -> assertThat(context.getBean(Partisan.class).overlayName()).isEqualTo(StaticOverlay.NAME));
	}

	@Test
	void aUserDefinedNodeWins() {
		this.runner.withUserConfiguration(UserNodeConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Partisan.class).doesNotHaveBean(PartisanConfig.class);
			assertThat(context.getBean(Partisan.class).localNode().name()).isEqualTo("mine");
			assertThat(context.getBean(Partisan.class).localNode().port()).isPositive();
		});
	}

	@Test
	void customizersRunAfterTheProperties() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class)
			.withPropertyValues("partisan.channels.vnode.parallelism=4")
			.run((context) -> assertThat(context.getBean(PartisanConfig.class).channels().get("vnode").parallelism())
				.isEqualTo(8));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("partisan.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Partisan.class)
				.doesNotHaveBean(PartisanTemplate.class));
	}

	@Test
	void absentWithoutTheRuntimeOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(Partisan.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanTemplate.class));
	}

	@Test
	void anUnknownOverlayIsExplained() {
		assertFailure("partisan.overlay=mesh", "partisan.overlay", "mesh",
				"'static', 'full-mesh', 'client-server', 'peer-to-peer', 'pubsub', "
						+ "or the name of an OverlayFactory bean (this application defines none)");
	}

	@Test
	void anUnknownOverlayErrorNamesTheApplicationsOverlayFactoryBeans() {
		this.runner.withUserConfiguration(CustomOverlayConfiguration.class)
			.withPropertyValues("partisan.overlay=fixed")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.contains("or the name of an OverlayFactory bean (this application defines 'fixedMembers')");
			});
	}

	@Test
	void aParallelismBelowOneIsExplained() {
		assertFailure("partisan.parallelism=0", "partisan.parallelism", "0", "at least 1");
	}

	@Test
	void aChannelParallelismBelowOneIsExplained() {
		assertFailure("partisan.channels.vnode.parallelism=-1", "partisan.channels.vnode.parallelism", "-1",
				"at least 1");
	}

	@Test
	void aMalformedSeedIsExplained() {
		assertFailure("partisan.seeds=n2-at-localhost", "partisan.seeds[0]", "n2-at-localhost", "name@host:port");
	}

	@Test
	void aFailureTimeoutShorterThanTwoHeartbeatsIsExplained() {
		this.runner.withPropertyValues("partisan.failure-timeout=1s", "partisan.heartbeat-interval=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: partisan.failure-timeout")
					.contains("at least twice heartbeat-interval");
			});
	}

	@Test
	void aPortInUseIsExplained() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			this.runner.withPropertyValues("partisan.node.port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PartisanFailureAnalyzers.PortInUse()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("127.0.0.1:" + taken.getLocalPort())
					.contains("already in use")
					.contains("partisan.node.port");
				assertThat(analysis.getAction()).contains("0 picks a free one");
			});
		}
	}

	@Test
	void annotatedHandlersAreRegisteredAndAnswerCalls() {
		this.runner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("partisan.channels.vnode.parallelism=2")
			.run((context) -> {
				Partisan partisan = context.getBean(Partisan.class);
				String reply = partisan
					.call(partisan.localNode().id(), "greet", "ada", String.class, ForwardOptions.channel("vnode"),
							Duration.ofSeconds(10))
					.join();
				assertThat(reply).isEqualTo("hello ada from test on vnode");
				assertThat(context.getBean(PartisanHandlerRegistry.class).channelOf("greet")).isEqualTo("vnode");
				assertThat(context.getBean(PartisanTemplate.class).optionsFor("greet").channel()).isEqualTo("vnode");
			});
	}

	@Test
	void aHandlerOnAnUnconfiguredChannelFailsStartUp() {
		this.runner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidPartisanHandlerException.class)
				.hasMessageContaining("names channel 'vnode', which is not configured");
		});
	}

	@Test
	void withStrictChannelsOffAHandlerOnAnUnconfiguredChannelUsesTheDefaultChannel() {
		this.runner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("partisan.strict-channels=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Partisan partisan = context.getBean(Partisan.class);
				String reply = context.getBean(PartisanTemplate.class)
					.call(partisan.localNode().name(), "greet", "ada", String.class)
					.get(10, java.util.concurrent.TimeUnit.SECONDS);
				assertThat(reply).startsWith("hello ada from test on vnode");
			});
	}

	@Test
	void twoHandlersWithOneNameFailStartUp() {
		this.runner.withUserConfiguration(DuplicateHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidPartisanHandlerException.class)
				.hasMessageContaining("two handlers are named 'same'");
		});
	}

	@Test
	void aHandlerWithoutAPayloadFailsStartUp() {
		this.runner.withUserConfiguration(NoPayloadHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidPartisanHandlerException.class)
				.hasMessageContaining("has no payload parameter");
		});
	}

	private void assertFailure(String property, String name, String value, String allowed) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
				.analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of %s", property).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: " + name)
				.contains("Value: \"" + value + "\"")
				.contains(allowed);
			assertThat(analysis.getAction()).contains(name);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomOverlayConfiguration {

		@Bean
		OverlayFactory fixedMembers() {
			return (config) -> new StaticOverlay();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserNodeConfiguration {

		@Bean(destroyMethod = "close")
		PartisanNode myNode() {
			return PartisanNode.create(PartisanConfig.builder("mine").port(0).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		PartisanConfigCustomizer moreLanes() {
			return (builder) -> builder.channel("vnode", 8);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Greeter greeter() {
			return new Greeter();
		}

	}

	static class Greeter {

		@PartisanChannel(channel = "vnode", name = "greet")
		String greet(String name, PartisanMessage meta) {
			return "hello " + name + " from " + meta.sender() + " on " + meta.channel();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateHandlerConfiguration {

		@Bean
		Twice twice() {
			return new Twice();
		}

	}

	static class Twice {

		@PartisanChannel(name = "same")
		void one(String text) {
		}

		@PartisanChannel(name = "same")
		void two(String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoPayloadHandlerConfiguration {

		@Bean
		Empty empty() {
			return new Empty();
		}

	}

	static class Empty {

		@PartisanChannel
		void nothing(PartisanMessage meta) {
		}

	}

}
