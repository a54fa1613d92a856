package dev.partisan.runtime;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import dev.partisan.api.InvalidSettingException;
import dev.partisan.api.PortInUseException;
import dev.partisan.config.DeliveryOptions;
import dev.partisan.config.FailureDetectionOptions;
import dev.partisan.config.NodeOptions;
import dev.partisan.config.TransportOptions;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.pubsub.PubSubSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The configuration model: one default and one check per setting, and errors that name
 * the setting.
 */
class PartisanConfigTest {

	@Test
	void aBuilderLeftAloneYieldsEveryGroupsDefaults() {
		PartisanConfig config = PartisanConfig.builder("n").build();
		assertThat(config.transport()).isEqualTo(TransportOptions.DEFAULTS);
		assertThat(config.delivery()).isEqualTo(DeliveryOptions.DEFAULTS);
		assertThat(config.failureDetection()).isEqualTo(FailureDetectionOptions.DEFAULTS);
		assertThat(config.nodeOptions()).isEqualTo(NodeOptions.DEFAULTS);
		assertThat(config.hyParView()).isEqualTo(HyParViewOverlay.Settings.DEFAULTS);
		assertThat(config.channels().get("default").parallelism()).isEqualTo(TransportOptions.DEFAULTS.parallelism());
	}

	@Test
	void theBuildersSettersReachTheirGroups() {
		PartisanConfig config = PartisanConfig.builder("n")
			.maxFrameSize(2048)
			.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
			.dedupWindow(Duration.ofMinutes(1))
			.joinTimeout(Duration.ofSeconds(3))
			.port(0)
			.build();
		assertThat(config.transport().maxFrameSize()).isEqualTo(2048);
		assertThat(config.transportSettings().maxFrameSize()).isEqualTo(2048);
		assertThat(config.transportSettings().reconnectMax()).isEqualTo(Duration.ofMillis(20));
		assertThat(config.delivery().dedupWindow()).isEqualTo(Duration.ofMinutes(1));
		assertThat(config.failureDetection().joinTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(config.node().port()).isZero();
	}

	@Test
	void zeroThreadsMeansOnePerCoreAndAtLeastTwo() {
		PartisanConfig config = PartisanConfig.builder("n").build();
		int expected = Math.max(2, Runtime.getRuntime().availableProcessors());
		assertThat(config.delivery().handlerThreads()).isZero();
		assertThat(config.handlerThreads()).isEqualTo(expected);
		assertThat(config.transportSettings().eventLoopThreads()).isEqualTo(expected);
		assertThat(PartisanConfig.builder("n").handlerThreads(3).build().handlerThreads()).isEqualTo(3);
	}

	@Test
	void aNonPositiveDurationIsRejectedNamingItsProperty() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").retransmitInterval(Duration.ZERO).build())
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("retransmit-interval");
				assertThat(ex.value()).isEqualTo("0s");
				assertThat(ex.allowed()).isEqualTo("a positive duration");
			});
	}

	@Test
	void aFailureTimeoutBelowTwoHeartbeatsIsRejectedNamingBothSettings() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n")
				.heartbeatInterval(Duration.ofSeconds(1))
				.failureTimeout(Duration.ofMillis(1500))
				.build())
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("failure-timeout");
				assertThat(ex.value()).isEqualTo("1500ms");
				assertThat(ex.allowed()).startsWith("at least twice heartbeat-interval (1s)");
			});
	}

	@Test
	void aReconnectMaximumBelowTheMinimumIsRejected() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n")
				.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
				.build())
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("reconnect-max");
				assertThat(ex.allowed()).isEqualTo("at least reconnect-min (2s)");
			});
	}

	@Test
	void boundsAndChannelsAndPortsNameTheirProperties() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").maxFrameSize(10).build())
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("max-frame-size"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").channel("vnode", 0))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("channels.vnode.parallelism"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").channel("_control", 1))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("channels"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").port(70000))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("node.port"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").overlay("mesh"))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("overlay"))
			.withMessageContaining("'static', 'full-mesh', 'client-server', 'peer-to-peer', or an OverlayFactory");
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> PartisanConfig.builder("n").allowPackage("java.util"))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("allowed-packages"));
	}

	@Test
	void overlaySettingsNameTheirPropertiesUnderTheirGroup() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new HyParViewOverlay.Settings(6, 30, 2, 3, Duration.ofSeconds(10), 3, 4))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("hyparview.prwl");
				assertThat(ex.allowed()).isEqualTo("between 0 and hyparview.arwl (2)");
			});
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new PubSubSettings("partisan", null, Duration.ofMinutes(5), 100, 0))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("pubsub.prefetch");
				assertThat(ex.allowed()).isEqualTo("between 1 and 65535");
			});
	}

	@Test
	void aTakenPortFailsStartWithPortInUse() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			PartisanNode node = PartisanNode.create(PartisanConfig.builder("n").port(taken.getLocalPort()).build());
			try {
				assertThatExceptionOfType(PortInUseException.class).isThrownBy(node::start).satisfies((ex) -> {
					assertThat(ex.host()).isEqualTo("127.0.0.1");
					assertThat(ex.port()).isEqualTo(taken.getLocalPort());
				});
			}
			finally {
				node.close();
			}
		}
	}

}
