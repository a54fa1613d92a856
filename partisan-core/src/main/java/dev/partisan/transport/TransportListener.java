package dev.partisan.transport;

import dev.partisan.api.NodeId;
import dev.partisan.wire.Frame;
import dev.partisan.wire.Hello;

/**
 * What the transport tells the runtime. Called on Netty event-loop threads: return
 * quickly.
 */
public interface TransportListener {

	/**
	 * A frame arrived on a connection opened by {@code from}. The listener owns the
	 * frame's payload.
	 */
	void onFrame(Hello from, Frame frame);

	/**
	 * Like {@link #onFrame(Hello, Frame)}, from a connection that {@code flow} can pause
	 * (read back-pressure). By default the flow is ignored.
	 */
	default void onFrame(Hello from, Frame frame, InboundFlow flow) {
		onFrame(from, frame);
	}

	/** The control lane to {@code peer} connected. */
	void onControlConnected(NodeId peer);

	/**
	 * A connection attempt of the control lane to {@code peer} failed: the peer is
	 * unreachable for now.
	 */
	void onControlUnreachable(NodeId peer, Throwable cause);

	/** Every lane to {@code peer} is connected. */
	void onFullyConnected(NodeId peer);

}
