package dev.partisan.spring.boot.actuate;

import java.nio.charset.StandardCharsets;

import dev.partisan.spring.boot.autoconfigure.PartisanAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live cluster page is opt-in, for web applications only, exposed like any endpoint,
 * and serves its own files and nothing else.
 */
class PartisanDashboardAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner web = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class,
				PartisanActuatorAutoConfiguration.class, PartisanDashboardAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=probe", "partisan.node.port=0",
				"management.endpoints.web.exposure.include=*");

	@Test
	void offByDefault() {
		this.web.run((context) -> assertThat(context).hasSingleBean(PartisanEndpoint.class)
			.doesNotHaveBean(PartisanDashboardEndpoint.class));
	}

	@Test
	void onWhenEnabledInAWebApplication() {
		this.web.withPropertyValues("partisan.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(PartisanDashboardEndpoint.class));
	}

	@Test
	void absentWhenNotExposed() {
		this.web
			.withPropertyValues("partisan.dashboard.enabled=true",
					"management.endpoints.web.exposure.include=partisan,partisanchannels")
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanDashboardEndpoint.class));
	}

	@Test
	void absentWithoutAWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class,
					PartisanActuatorAutoConfiguration.class, PartisanDashboardAutoConfiguration.class))
			.withPropertyValues("partisan.node.name=probe", "partisan.node.port=0",
					"management.endpoints.web.exposure.include=*", "partisan.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(PartisanDashboardEndpoint.class));
	}

	@Test
	void servesThePageAndItsTwoAssetsWithTheirTypesAndNothingElse() throws Exception {
		PartisanDashboardEndpoint endpoint = new PartisanDashboardEndpoint();
		assertThat(endpoint.page().getContentAsString(StandardCharsets.UTF_8))
			.contains("<script src=\"partisandashboard/dashboard.js\">");
		WebEndpointResponse<Resource> script = endpoint.asset("dashboard.js");
		assertThat(script.getStatus()).isEqualTo(200);
		assertThat(script.getContentType()).hasToString("text/javascript;charset=UTF-8");
		assertThat(script.getBody().exists()).isTrue();
		WebEndpointResponse<Resource> style = endpoint.asset("dashboard.css");
		assertThat(style.getContentType()).hasToString("text/css;charset=UTF-8");
		assertThat(style.getBody().exists()).isTrue();
		assertThat(endpoint.asset("index.html").getStatus()).isEqualTo(404);
		assertThat(endpoint.asset("..").getStatus()).isEqualTo(404);
	}

}
