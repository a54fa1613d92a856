package dev.partisan.demo.lasp.ads;

import dev.partisan.demo.lasp.LaspProperties;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Servers create the configured ads when they start; clients create nothing and learn the
 * ads from the servers' state, as Lasp's clients read the set of ads a server process
 * maintains. Every server creates the same ads, which merge into one: no server has to be
 * first.
 */
@Component
class AdCatalogue implements ApplicationRunner {

	private final Replica replica;

	private final LaspProperties properties;

	AdCatalogue(Replica replica, LaspProperties properties) {
		this.replica = replica;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.replica.role() == Role.SERVER) {
			this.properties.ads().forEach((ad) -> this.replica.create(ad, this.properties.threshold()));
		}
	}

}
