package dev.partisan.demo.kv;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * One node of the Riak-Core-style demo: a ring of vnodes, the quorum KV store and echo
 * service on top of it, and their HTTP API. Which node it is and how its traffic travels
 * are profiles in {@code application.yml} ({@code n1}..{@code n3}; {@code baseline} or
 * {@code partisan}).
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(KvProperties.class)
public class KvDemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(KvDemoApplication.class, args);
	}

}
