package dev.partisan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.api.PartisanMessage;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.OverlayContext;
import dev.partisan.pipeline.ControlFrames;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.transport.Transport;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overlay's view of its node: the transport, the outbound path and the control loop.
 */
final class NodeContext implements OverlayContext {

	private static final Logger logger = LoggerFactory.getLogger(NodeContext.class);

	private final Supplier<Node> local;

	private final long incarnation;

	private final List<Node> seeds;

	private final Transport transport;

	private final OutboundPath outbound;

	private final ControlFrames frames;

	private final ControlLoop loop;

	private final Dispatcher dispatcher;

	private final Random random = new Random();

	NodeContext(PartisanConfig config, Supplier<Node> local, long incarnation, Transport transport,
			MessagePaths.Assembled paths, ControlLoop loop, Dispatcher dispatcher) {
		this.local = local;
		this.incarnation = incarnation;
		this.seeds = config.seeds();
		this.transport = transport;
		this.outbound = paths.outbound();
		this.frames = paths.frames();
		this.loop = loop;
		this.dispatcher = dispatcher;
	}

	@Override
	public Node localNode() {
		return this.local.get();
	}

	@Override
	public long incarnation() {
		return this.incarnation;
	}

	@Override
	public List<Node> seeds() {
		return this.seeds;
	}

	@Override
	public void connect(Node peer) {
		this.transport.connect(peer);
	}

	@Override
	public void disconnect(NodeId peer) {
		this.transport.disconnect(peer);
	}

	@Override
	public boolean isConnected(NodeId peer) {
		return this.transport.isControlConnected(peer);
	}

	@Override
	public CompletableFuture<Void> send(NodeId peer, ControlMessage message) {
		CompletableFuture<Void> written = new CompletableFuture<>();
		try {
			this.outbound.send(this.frames.control(peer, message).written(written));
		}
		catch (PartisanException ex) {
			written.completeExceptionally(ex);
		}
		return written;
	}

	@Override
	public void announce(ControlMessage message) {
		toEveryNode(message, true);
	}

	@Override
	public void publish(ControlMessage message) {
		toEveryNode(message, false);
	}

	private void toEveryNode(ControlMessage message, boolean standing) {
		try {
			this.transport.announce(this.frames.announcement(message), standing);
		}
		catch (PartisanException ex) {
			logger.debug("Announcement {} of {} not sent: {}", message, localNode().id(), ex.getMessage());
		}
	}

	@Override
	public void membersChanged() {
		this.loop.execute(this.loop::evaluate);
	}

	@Override
	public void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload) {
		PartisanMessage meta = new PartisanMessage(origin.id(), "_broadcast", handler, 0);
		this.dispatcher
			.dispatch(new Delivery(meta, codecId, payloadType, false, Unpooled.wrappedBuffer(payload), false));
	}

	@Override
	public void schedule(Duration period, Runnable task) {
		this.loop.schedule(period, task);
	}

	@Override
	public void scheduleOnce(Duration delay, Runnable task) {
		this.loop.scheduleOnce(delay, task);
	}

	@Override
	public Random random() {
		return this.random;
	}

}
