package dev.partisan.pipeline;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.HandlerObservation;
import dev.partisan.transport.InboundFlow;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.Hello;
import org.jspecify.annotations.Nullable;

/**
 * One arriving frame, carried through an {@link InboundPath}: who sent it (the peer's
 * hello), the frame, the connection that a full mailbox may pause, and what the stages
 * decided. The envelope owns the frame's payload until a stage hands it on (to a mailbox,
 * a pending call) or releases it.
 */
public final class InboundEnvelope {

	private final Hello from;

	private final Frame frame;

	private final @Nullable InboundFlow flow;

	private @Nullable Delivery delivery;

	private @Nullable Runnable onHandled;

	private @Nullable Runnable onRefused;

	private boolean handled;

	private boolean accepted = true;

	private boolean released;

	private @Nullable InboundPath path;

	private HandlerObservation observation = HandlerObservation.NONE;

	private int next;

	public InboundEnvelope(Hello from, Frame frame, @Nullable InboundFlow flow) {
		this.from = from;
		this.frame = frame;
		this.flow = flow;
	}

	/**
	 * The peer's hello: its node, incarnation, and the channel and lane of the
	 * connection.
	 */
	public Hello from() {
		return this.from;
	}

	public NodeId sender() {
		return this.from.node().id();
	}

	public Frame frame() {
		return this.frame;
	}

	public boolean hasFlag(int flag) {
		return (this.frame.flags() & flag) != 0;
	}

	/**
	 * The connection to pause when the handler's mailbox is full, or {@code null}
	 * (relayed, delayed).
	 */
	public @Nullable InboundFlow flow() {
		return this.flow;
	}

	/**
	 * What the delivery does once its handler has run (acknowledge it); set before the
	 * delivery is made.
	 */
	public void onHandled(Runnable then) {
		this.onHandled = then;
	}

	/** What to do if the message is refused after all, so that it may come again. */
	public void onRefused(Runnable then) {
		this.onRefused = then;
	}

	/**
	 * The message was refused (a full mailbox or buffer): run what lets it come again.
	 */
	public void refused() {
		Runnable then = this.onRefused;
		if (then != null) {
			then.run();
		}
	}

	/**
	 * The message will never reach a handler but is done with: run what was to follow it.
	 */
	public void doneWithoutHandler() {
		Runnable then = this.onHandled;
		if (then != null) {
			then.run();
		}
	}

	/** The frame as a handler's delivery; the payload goes with it. */
	public Delivery delivery() {
		Delivery current = this.delivery;
		if (current == null) {
			current = new Delivery(
					new PartisanMessage(sender(), this.frame.channel(), this.frame.destination(),
							this.frame.messageId()),
					this.frame.codecId(), this.frame.payloadType(), this.frame.compressed(), this.frame.payload(),
					hasFlag(FrameCodec.FLAG_CALL), this.onHandled, this.observation);
			this.delivery = current;
		}
		return current;
	}

	/** What observes the handler's run (or the reply's decoding) of this message. */
	public HandlerObservation observation() {
		return this.observation;
	}

	/**
	 * Observes the handler's run with {@code handlerObservation}; set before the delivery
	 * is made.
	 */
	public void observation(HandlerObservation handlerObservation) {
		this.observation = handlerObservation;
	}

	/**
	 * Whether a stage has handed the message to its handler (or decided it never will).
	 */
	public boolean handled() {
		return this.handled;
	}

	/**
	 * A stage handed the payload on ({@code accepted}: a mailbox or causal buffer took
	 * it) or refused it (it will be retransmitted); either way the envelope no longer
	 * owns it.
	 */
	public void handled(boolean accepted) {
		this.handled = true;
		this.accepted = accepted;
		this.released = true;
	}

	/** Whether the receiver took the message, so it may be acknowledged. */
	public boolean accepted() {
		return this.accepted;
	}

	/** The payload was handed on; the envelope must not release it. */
	public void handedOn() {
		this.released = true;
	}

	/** Releases the payload unless it was handed on or released already. */
	public void release() {
		if (!this.released) {
			this.released = true;
			this.frame.release();
		}
	}

	void resumeAt(InboundPath current, int stage) {
		this.path = current;
		this.next = stage;
	}

	/**
	 * Continues the path after the stage that held the envelope back (an injected ingress
	 * delay).
	 */
	public void resume() {
		InboundPath current = this.path;
		if (current != null) {
			current.run(this, this.next);
		}
		else {
			release();
		}
	}

}
