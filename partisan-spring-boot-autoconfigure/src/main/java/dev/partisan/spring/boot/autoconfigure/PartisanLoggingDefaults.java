package dev.partisan.spring.boot.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Default log levels, the lowest-precedence properties, so any {@code logging.level.*}
 * the application sets wins.
 * <p>
 * {@code dev.partisan.pubsub.LaneConsumers} is Spring AMQP's listener container under the
 * pub-sub transport's name. On every broker blip it logs one ERROR per queue ("Consumer
 * canceled - channel closed") for consumers it restarts a second later; with seven queues
 * that is seven ERROR lines per node for an outage the node recovers from by itself. The
 * transport reports the same outage at the right levels (the loss at WARN, hearing again
 * at INFO) and in the {@code partisan} health, so the container's own account is off
 * unless asked for.
 */
public final class PartisanLoggingDefaults implements EnvironmentPostProcessor {

	static final String LANE_CONSUMERS_LEVEL = "logging.level.dev.partisan.pubsub.LaneConsumers";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(LANE_CONSUMERS_LEVEL)) {
			DefaultPropertiesPropertySource.addOrMerge(Map.of(LANE_CONSUMERS_LEVEL, "off"),
					environment.getPropertySources());
		}
	}

}
