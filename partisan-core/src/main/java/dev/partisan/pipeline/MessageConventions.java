package dev.partisan.pipeline;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and keys of the observations of messages. Low-cardinality keys (tags on
 * meters and spans) take few values; the high-cardinality ones (peer and handler names)
 * go on spans only. An application replaces a convention by registering its own for the
 * same context type with the {@code ObservationRegistry}.
 */
public final class MessageConventions {

	/** A message (or a reply) leaving this node. */
	public static final String SEND = "partisan.send";

	/** A call, from the request leaving until its reply arrives, fails or times out. */
	public static final String CALL = "partisan.call";

	/** A handler running on a message, or a call's reply being decoded. */
	public static final String RECEIVE = "partisan.receive";

	public static final String CHANNEL = "partisan.channel";

	public static final String OVERLAY = "partisan.overlay";

	public static final String FRAME_KIND = "partisan.frame.kind";

	public static final String OUTCOME = "partisan.outcome";

	public static final String PEER = "partisan.peer";

	public static final String HANDLER = "partisan.handler";

	/** Until the observation stops. */
	static final String OUTCOME_PENDING = "unknown";

	/** A send handed to the transport (or a call's reply came back). */
	public static final String OUTCOME_SENT = "sent";

	/** The send failed, or the call failed or found no handler. */
	public static final String OUTCOME_ERROR = "error";

	/** The call got no reply in time. */
	public static final String OUTCOME_TIMEOUT = "timeout";

	private MessageConventions() {
	}

	static KeyValues lowCardinality(MessageTags tags) {
		return KeyValues.of(CHANNEL, tags.channel(), OVERLAY, tags.overlay(), FRAME_KIND, tags.frameKind(), OUTCOME,
				tags.outcome());
	}

	static KeyValues highCardinality(MessageTags tags) {
		return KeyValues.of(PEER, tags.peer(), HANDLER, tags.handler());
	}

	/** {@value #SEND}, tagged with the channel, overlay, frame kind and outcome. */
	public static class Send implements ObservationConvention<MessageSenderContext> {

		@Override
		public String getName() {
			return SEND;
		}

		@Override
		public String getContextualName(MessageSenderContext context) {
			return "send " + context.handler();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(MessageSenderContext context) {
			return lowCardinality(context);
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(MessageSenderContext context) {
			return highCardinality(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MessageSenderContext;
		}

	}

	/** {@value #CALL}: a send that lasts until its reply. */
	public static class Call extends Send {

		@Override
		public String getName() {
			return CALL;
		}

		@Override
		public String getContextualName(MessageSenderContext context) {
			return "call " + context.handler();
		}

	}

	/** {@value #RECEIVE}, tagged like a send. */
	public static class Receive implements ObservationConvention<MessageReceiverContext> {

		@Override
		public String getName() {
			return RECEIVE;
		}

		@Override
		public String getContextualName(MessageReceiverContext context) {
			return "receive " + context.handler();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(MessageReceiverContext context) {
			return lowCardinality(context);
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(MessageReceiverContext context) {
			return highCardinality(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MessageReceiverContext;
		}

	}

}
