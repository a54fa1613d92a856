package dev.partisan.spring.boot.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Every property a user can set is described in the IDE metadata the build generates. */
class ConfigurationMetadataTests {

	@Test
	@SuppressWarnings("unchecked")
	void everyPartisanPropertyHasADescription() throws Exception {
		Map<String, Object> metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			metadata = JsonMapper.builder().build().readValue(in, Map.class);
		}
		List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
		Map<String, String> descriptions = new HashMap<>();
		properties.forEach((p) -> descriptions.put((String) p.get("name"), (String) p.get("description")));
		assertThat(descriptions).containsKeys("partisan.enabled", "partisan.overlay", "partisan.seeds",
				"partisan.parallelism", "partisan.affinity", "partisan.channels", "partisan.node.name",
				"partisan.node.port", "partisan.heartbeat-interval", "partisan.failure-timeout",
				"partisan.max-frame-size", "partisan.cluster-secret", "partisan.discovery.dns.name");
		descriptions.forEach((name, description) -> {
			if (name.startsWith("partisan.")) {
				assertThat(description).as("description of %s", name).isNotBlank();
			}
		});
		Path readme = Path.of("..", "README.md");
		if (Files.exists(readme)) {
			String text = Files.readString(readme);
			descriptions.keySet()
				.stream()
				.filter((name) -> name.startsWith("partisan."))
				.forEach((name) -> assertThat(text).as("README documents %s (scripts/property-table.py)", name)
					.contains("`" + name + "`"));
		}
	}

}
