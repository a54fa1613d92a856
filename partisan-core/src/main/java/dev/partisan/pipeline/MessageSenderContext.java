package dev.partisan.pipeline;

import java.util.Map;

import dev.partisan.wire.TraceHeaders;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The observation context of a message leaving this node (a send, a call, a reply). Its
 * carrier is the envelope's trace map, which becomes the frame's trace section: a field
 * that would break its bounds is left out rather than failing the send.
 */
public final class MessageSenderContext extends SenderContext<Map<String, String>> implements MessageTags {

	private final String channel;

	private final String overlay;

	private final String frameKind;

	private final String peer;

	private final String handler;

	private String outcome = MessageConventions.OUTCOME_PENDING;

	public MessageSenderContext(Kind kind, String channel, String overlay, String frameKind, String peer,
			String handler) {
		super(MessageSenderContext::put, kind);
		this.channel = channel;
		this.overlay = overlay;
		this.frameKind = frameKind;
		this.peer = peer;
		this.handler = handler;
		setRemoteServiceName(peer);
	}

	private static void put(@Nullable Map<String, String> carrier, String key, String value) {
		if (carrier != null && TraceHeaders.fits(carrier, key, value)) {
			carrier.put(key, value);
		}
	}

	@Override
	public String channel() {
		return this.channel;
	}

	@Override
	public String overlay() {
		return this.overlay;
	}

	/** {@code data} for a send or call, {@code reply} for a handler's answer. */
	@Override
	public String frameKind() {
		return this.frameKind;
	}

	/** The node the message is for. */
	@Override
	public String peer() {
		return this.peer;
	}

	/** The handler it is for (a reply: the handler that answers). */
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
