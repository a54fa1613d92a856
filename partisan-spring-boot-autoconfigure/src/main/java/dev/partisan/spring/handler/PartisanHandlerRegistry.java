package dev.partisan.spring.handler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/** Which channel each {@code @PartisanChannel} handler of this application uses. */
public class PartisanHandlerRegistry {

	private final Map<String, String> channels = new ConcurrentHashMap<>();

	void put(String handler, String channel) {
		this.channels.put(handler, channel);
	}

	/**
	 * The channel of the handler named {@code handler}, or {@code null} if it is not one
	 * of ours.
	 */
	public @Nullable String channelOf(String handler) {
		return this.channels.get(handler);
	}

	public Map<String, String> handlers() {
		return Map.copyOf(this.channels);
	}

}
