package dev.partisan.demo.lasp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * One node of the Lasp-style advertisement counter: a replica of every ad's CRDT state,
 * kept in step with its neighbours on the {@code crdt} channel, and the HTTP API. Which
 * node it is, its role ({@code partisan.node.tag}: {@code server} or {@code client}) and
 * the overlay are profiles in {@code application.yml} ({@code s1}, {@code s2},
 * {@code c1}..{@code c3}; {@code client-server} or {@code peer-to-peer}); the code is the
 * same for both overlays.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(LaspProperties.class)
public class LaspDemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(LaspDemoApplication.class, args);
	}

}
