package dev.partisan.pipeline;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * The observation context of a message that reached this node: a handler's run, or the
 * decoding of a call's reply. Its carrier is the frame's trace section.
 */
public final class MessageReceiverContext extends ReceiverContext<Map<String, String>> implements MessageTags {

	private final String channel;

	private final String overlay;

	private final String frameKind;

	private final String peer;

	private final String handler;

	private String outcome = MessageConventions.OUTCOME_PENDING;

	public MessageReceiverContext(Kind kind, Map<String, String> trace, String channel, String overlay,
			String frameKind, String peer, String handler) {
		super(MessageReceiverContext::get, kind);
		setCarrier(trace);
		this.channel = channel;
		this.overlay = overlay;
		this.frameKind = frameKind;
		this.peer = peer;
		this.handler = handler;
		setRemoteServiceName(peer);
	}

	private static @Nullable String get(Map<String, String> carrier, String key) {
		return carrier.get(key);
	}

	@Override
	public String channel() {
		return this.channel;
	}

	@Override
	public String overlay() {
		return this.overlay;
	}

	/**
	 * {@code data} for a message a handler runs on, {@code reply} for a call's answer.
	 */
	@Override
	public String frameKind() {
		return this.frameKind;
	}

	/** The node the message came from. */
	@Override
	public String peer() {
		return this.peer;
	}

	/** The handler that runs on it (a reply: the handler that answered). */
	@Override
	public String handler() {
		return this.handler;
	}

	@Override
	public String outcome() {
		return this.outcome;
	}

	void outcome(String value) {
		this.outcome = value;
	}

}
