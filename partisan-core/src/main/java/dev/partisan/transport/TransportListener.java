package dev.partisan.transport;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.wire.Frame;
import dev.partisan.wire.Hello;
import org.jspecify.annotations.Nullable;

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

	/**
	 * The live member that already goes by {@code dialler}'s name at another address, or
	 * {@code null} when there is none: a dialler with a taken name is refused during the
	 * handshake, and the member keeps its connections. A restart at the same address is
	 * not a conflict. Called on an event-loop thread: answer from a snapshot. By default
	 * there is none.
	 */
	default @Nullable Node liveNamesake(Node dialler) {
		return null;
	}

}
