package dev.partisan.test.bulletin;

import dev.partisan.api.Partisan;
import dev.partisan.spring.core.PartisanTemplate;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A small application as a user of the kit would have it: each node publishes bulletins
 * to every member it sees, and keeps the ones it receives.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BulletinApplication {

	@Bean
	Bulletin bulletin(PartisanTemplate template, Partisan partisan) {
		return new Bulletin(template, partisan);
	}

}
