package dev.partisan.spring.boot.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.PartisanMessage;
import dev.partisan.spring.core.PartisanMembershipEvent;
import dev.partisan.spring.handler.PartisanChannel;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * A small application as a user would write it: a handler bean and a listener of
 * membership events.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class ClusterTestApplication {

	public record Put(String key, String value) {
	}

	public record Stored(String key, String by) {
	}

	/**
	 * Each application's HTTP server on event loops of its own: by default they share
	 * Reactor Netty's global ones, which closing one application disposes, taking the
	 * HTTP servers of the others in this JVM down with it.
	 */
	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		return factory;
	}

	@Bean
	Store store() {
		return new Store();
	}

	@Bean
	MembershipEvents membershipEvents() {
		return new MembershipEvents();
	}

	public static class Store {

		public final List<Put> received = new CopyOnWriteArrayList<>();

		@PartisanChannel(channel = "vnode", name = "store")
		Stored put(Put put, PartisanMessage meta) {
			this.received.add(put);
			return new Stored(put.key(), meta.sender().name());
		}

	}

	public static class MembershipEvents {

		public final List<String> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PartisanMembershipEvent event) {
			if (event instanceof PartisanMembershipEvent.MemberDown down) {
				this.events.add("down " + event.getNode().name() + " " + down.getReason());
			}
			else {
				this.events.add("up " + event.getNode().name());
			}
		}

	}

}
