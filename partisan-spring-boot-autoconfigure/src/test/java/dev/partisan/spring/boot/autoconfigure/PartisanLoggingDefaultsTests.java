package dev.partisan.spring.boot.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's log-level default: present when the application says nothing, and never
 * in the way of what it says.
 */
class PartisanLoggingDefaultsTests {

	@Test
	void theLaneConsumersLoggerIsOffUnlessTheApplicationSetsIt() {
		StandardEnvironment environment = new StandardEnvironment();
		new PartisanLoggingDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(PartisanLoggingDefaults.LANE_CONSUMERS_LEVEL)).isEqualTo("off");
	}

	@Test
	void aLevelTheApplicationSetsWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application",
					Map.of(PartisanLoggingDefaults.LANE_CONSUMERS_LEVEL, "error")));
		new PartisanLoggingDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(PartisanLoggingDefaults.LANE_CONSUMERS_LEVEL)).isEqualTo("error");
	}

}
