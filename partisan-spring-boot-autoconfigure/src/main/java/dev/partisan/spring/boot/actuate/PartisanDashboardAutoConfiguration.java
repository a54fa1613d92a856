package dev.partisan.spring.boot.actuate;

import dev.partisan.api.Partisan;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * The live cluster page, opt-in with {@code partisan.dashboard.enabled}: only in a web
 * application with actuator, and only when {@code partisandashboard} is exposed like any
 * other endpoint. The page reads {@code partisan} and {@code partisanchannels}, which
 * must be exposed too; it says so when they are not.
 */
@AutoConfiguration(after = PartisanActuatorAutoConfiguration.class)
@ConditionalOnBean(Partisan.class)
@ConditionalOnClass(WebEndpoint.class)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty("partisan.dashboard.enabled")
public final class PartisanDashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	PartisanDashboardEndpoint partisanDashboardEndpoint() {
		return new PartisanDashboardEndpoint();
	}

}
