package dev.partisan.runtime;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.pipeline.InboundEnvelope;
import dev.partisan.pipeline.InboundPath;
import dev.partisan.transport.InboundFlow;
import dev.partisan.transport.TransportListener;
import dev.partisan.wire.Frame;
import dev.partisan.wire.Hello;
import org.jspecify.annotations.Nullable;

/**
 * What the transport reports, sent on: frames into the inbound path, connection events to
 * the control loop and the waiters for full connection. The transport is made before the
 * paths that use it, so the inbound path is bound before the transport starts.
 */
final class NodeListener implements TransportListener {

	private final ControlLoop loop;

	private final FullConnections connections;

	private volatile @Nullable InboundPath inbound;

	NodeListener(ControlLoop loop, FullConnections connections) {
		this.loop = loop;
		this.connections = connections;
	}

	void bind(InboundPath path) {
		this.inbound = path;
	}

	@Override
	public void onFrame(Hello from, Frame frame) {
		onFrame(from, frame, null);
	}

	@Override
	public void onFrame(Hello from, Frame frame, @Nullable InboundFlow flow) {
		InboundPath path = this.inbound;
		if (path == null) {
			frame.release();
			return;
		}
		path.receive(new InboundEnvelope(from, frame, flow));
	}

	@Override
	public void onControlConnected(NodeId peer) {
		this.loop.execute(this.loop::evaluate);
	}

	@Override
	public void onControlUnreachable(NodeId peer, Throwable cause) {
		this.loop.onPeerUnreachable(peer, cause);
	}

	@Override
	public void onFullyConnected(NodeId peer) {
		this.connections.check(peer);
	}

	@Override
	public @Nullable Node liveNamesake(Node dialler) {
		return this.loop.liveNamesake(dialler);
	}

}
