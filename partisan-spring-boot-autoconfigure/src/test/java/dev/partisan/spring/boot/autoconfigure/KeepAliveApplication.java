package dev.partisan.spring.boot.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * The README's quick start as a newcomer writes it for an application without a web
 * server: only auto-configuration and the README's properties (given on the command line
 * by {@link KeepAliveProcessTests}), and a {@code main} that returns once the context is
 * up. Whatever keeps this JVM running after that is the starter's doing.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class KeepAliveApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeepAliveApplication.class, args);
	}

}
