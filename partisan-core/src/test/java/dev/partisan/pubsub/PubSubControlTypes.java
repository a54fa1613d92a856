package dev.partisan.pubsub;

import java.time.Duration;
import java.util.Map;

import dev.partisan.membership.ControlMessage;

/**
 * The pub-sub overlay's control message types, for tests outside its package: the overlay
 * is built by its factory, which needs a broker connection the types do not.
 */
public final class PubSubControlTypes {

	private PubSubControlTypes() {
	}

	public static Map<String, Class<? extends ControlMessage>> all() {
		return new PubSubOverlay(Duration.ofSeconds(1)).controlMessageTypes();
	}

}
