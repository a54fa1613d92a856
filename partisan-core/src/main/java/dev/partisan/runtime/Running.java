package dev.partisan.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.partisan.api.Node;
import dev.partisan.api.PartisanException;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started node's parts: its transport, its overlay and the paths assembled around them,
 * with the order they are brought up and down in. A node makes one at each start.
 */
final class Running {

	private static final Logger logger = LoggerFactory.getLogger(Running.class);

	/** How long the overlay may take to start before start() fails. */
	private static final Duration OVERLAY_START = Duration.ofSeconds(10);

	/**
	 * How long the overlay may take to stop (say goodbye) before the transport closes
	 * anyway.
	 */
	private static final Duration OVERLAY_STOP = Duration.ofSeconds(2);

	final Node local;

	final Transport transport;

	final Overlay overlay;

	final MessagePaths.Assembled paths;

	private Running(Node local, Transport transport, Overlay overlay, MessagePaths.Assembled paths) {
		this.local = local;
		this.transport = transport;
		this.overlay = overlay;
		this.paths = paths;
	}

	/**
	 * Makes the overlay and the transport, assembles the paths around them and starts the
	 * transport.
	 * @throws PartisanException when the transport cannot start (the port is taken, say)
	 */
	static Running open(PartisanConfig config, long incarnation, MessagePaths paths, ControlLoop loop,
			FullConnections connections) {
		Overlay overlay = config.overlay().create(config);
		NodeListener listener = new NodeListener(loop, connections);
		Transport transport = config.overlay()
			.transport()
			.create(config.transportSettings(), config.node(), incarnation, listener, loop.executor());
		MessagePaths.Assembled assembled = paths.assemble(transport, overlay, listener, loop);
		Node local;
		try {
			local = transport.start();
		}
		catch (RuntimeException ex) {
			transport.close();
			if (ex instanceof PartisanException) {
				throw ex;
			}
			Node node = config.node();
			throw new PartisanException("Node " + node.id() + " could not listen on " + node.host() + ":" + node.port()
					+ ": " + Futures.rootMessage(ex), ex);
		}
		connections.use(transport::isFullyConnected);
		warnIfOpen(config, local);
		return new Running(local, transport, overlay, assembled);
	}

	/**
	 * Without a cluster secret, nothing tells a member from any process that reaches the
	 * node, which may be intended on a laptop but never in production: said once per
	 * start, at WARN, with the setting that closes it.
	 */
	private static void warnIfOpen(PartisanConfig config, Node local) {
		String secret = config.clusterSecret();
		if (secret == null || secret.isBlank()) {
			logger.warn("Node {} has no cluster secret: any process that can reach {} (or its broker) can join the "
					+ "cluster, send messages to its handlers and make nodes leave. Set partisan.cluster-secret "
					+ "(PartisanConfig.Builder.clusterSecret) to the same secret on every node; see SECURITY.md",
					local.id(), local.address());
		}
	}

	OutboundPath outbound() {
		return this.paths.outbound();
	}

	/**
	 * Lets the control loop drive the overlay and starts it, before start() returns, so a
	 * static node can send to its members at once; then the heartbeats and
	 * retransmission.
	 */
	void startOverlay(PartisanConfig config, ControlLoop loop, NodeContext context) {
		loop.drive(new ControlLoop.Parts(this.transport, this.overlay, outbound(), this.paths.frames()));
		try {
			runOn(loop, () -> this.overlay.start(context), OVERLAY_START);
		}
		catch (Exception ex) {
			throw new PartisanException("The " + this.overlay.name() + " overlay of node " + this.local.id()
					+ " did not start: " + Futures.rootMessage(ex), ex);
		}
		Duration retransmitPeriod = config.retransmitInterval().dividedBy(4);
		loop.startTimers(config.heartbeatInterval(), this.paths.retransmission(),
				retransmitPeriod.isZero() ? Duration.ofNanos(1) : retransmitPeriod);
	}

	/** The overlay's context, reading the node's address as it is when asked. */
	NodeContext context(PartisanConfig config, long incarnation, Supplier<Node> local, ControlLoop loop,
			MessagePaths messagePaths) {
		return new NodeContext(config, local, incarnation, this.transport, this.paths, loop, messagePaths.dispatcher);
	}

	/**
	 * Stops the overlay (it may say goodbye) on the control thread, then the transport.
	 */
	void close(ControlLoop loop) {
		loop.stopDriving();
		try {
			runOn(loop, this.overlay::stop, OVERLAY_STOP);
		}
		catch (Exception ex) {
			logger.debug("Overlay of {} did not stop cleanly", this.local.id(), ex);
		}
		this.transport.close();
	}

	private static void runOn(ControlLoop loop, Runnable task, Duration limit) throws Exception {
		loop.call(() -> {
			task.run();
			return CompletableFuture.completedFuture(null);
		}).get(limit.toMillis(), TimeUnit.MILLISECONDS);
	}

}
