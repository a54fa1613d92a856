package dev.partisan.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.partisan.api.NodeId;
import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Warnings about channels a node does not configure: once per name, names bounded. */
class UnconfiguredChannelsTest {

	private final UnconfiguredChannels unconfigured = new UnconfiguredChannels(NodeId.of("n1"));

	@Test
	void aChannelNameIsWarnedAboutOnceEscaped() {
		try (LogCapture log = new LogCapture(UnconfiguredChannels.class)) {
			this.unconfigured.fellBack("bulk\nERROR [main] forged");
			this.unconfigured.fellBack("bulk\nERROR [main] forged");

			assertThat(log.messages()).singleElement()
				.asString()
				.contains("'bulk\\nERROR [main] forged'")
				.doesNotContain("\n");
		}
	}

	@Test
	void aThousandDistinctNamesAreNotAllRememberedNorAllWarnedAbout() {
		Logger logger = (Logger) LoggerFactory.getLogger(UnconfiguredChannels.class);
		Level level = logger.getLevel();
		logger.setLevel(Level.WARN);
		try (LogCapture log = new LogCapture(UnconfiguredChannels.class)) {
			for (int i = 0; i < 1_000; i++) {
				this.unconfigured.fellBack("channel-" + i);
			}

			assertThat(this.unconfigured.remembered()).isEqualTo(UnconfiguredChannels.MAX_NAMES);
			assertThat(log.messages()).hasSize(UnconfiguredChannels.MAX_NAMES + 1)
				.last()
				.asString()
				.contains("further ones are logged at debug");
		}
		finally {
			logger.setLevel(level);
		}
	}

}
