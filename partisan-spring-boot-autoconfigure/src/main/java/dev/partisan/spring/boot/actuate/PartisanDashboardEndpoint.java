package dev.partisan.spring.boot.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.util.MimeType;

/**
 * {@code /actuator/partisandashboard}: a live page of the cluster as this node sees it,
 * drawn in the browser from {@code /actuator/partisan} and
 * {@code /actuator/partisanchannels}. The page and its two assets are files in this jar,
 * served through the actuator so that they sit under the management context (its port,
 * base path and security) with Spring MVC and WebFlux alike, and need nothing from the
 * internet.
 */
@WebEndpoint(id = "partisandashboard")
public class PartisanDashboardEndpoint {

	static final String LOCATION = "META-INF/partisan-dashboard/";

	/**
	 * The only files served, so that a selector cannot reach anything else on the class
	 * path.
	 */
	private static final Map<String, MimeType> ASSETS = Map.of("dashboard.js",
			MimeType.valueOf("text/javascript;charset=UTF-8"), "dashboard.css",
			MimeType.valueOf("text/css;charset=UTF-8"));

	@ReadOperation(produces = "text/html;charset=UTF-8")
	public Resource page() {
		return resource("index.html");
	}

	/**
	 * One of the page's assets; the content type is the asset's, whatever the request
	 * accepts, because browsers refuse a style sheet or script served as anything else.
	 */
	@ReadOperation(produces = { "text/javascript", "text/css" })
	public WebEndpointResponse<Resource> asset(@Selector String name) {
		MimeType type = ASSETS.get(name);
		if (type == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(resource(name), WebEndpointResponse.STATUS_OK, type);
	}

	private static Resource resource(String name) {
		return new ClassPathResource(LOCATION + name, PartisanDashboardEndpoint.class.getClassLoader());
	}

}
