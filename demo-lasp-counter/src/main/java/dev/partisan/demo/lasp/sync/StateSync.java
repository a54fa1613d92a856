package dev.partisan.demo.lasp.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.demo.lasp.LaspProperties;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.ads.Role;
import dev.partisan.demo.lasp.core.LaspNode;
import dev.partisan.demo.lasp.crdt.AdMap;
import dev.partisan.spring.core.PartisanTemplate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Propagates this replica's state: every {@code lasp.sync-interval}, the full state of
 * every ad goes to each <em>neighbour</em> — a member this node is connected to — as the
 * papers' Lasp nodes do at each propagation interval.
 *
 * <p>
 * "Neighbour" is the only idea of topology here, and the overlay fills it in: on
 * client-server a client is connected to the servers only, so it pushes to them, and a
 * server, connected to everyone, pushes the merged state back to every client; on
 * peer-to-peer the neighbours are the HyParView active view, and state spreads hop by
 * hop. So the same code runs on both overlays, which is the papers' point. (Sending to
 * every member instead would, on client-server, relay client-to-client copies through the
 * servers for nothing.)
 *
 * <p>
 * A node that stops gracefully first hands its last state to its neighbours and waits for
 * them to merge it, so views made since the last round are not lost.
 */
@Component
public class StateSync implements SmartLifecycle {

	/**
	 * The channel of all state traffic; configured monotonic in {@code application.yml}.
	 */
	public static final String CHANNEL = "crdt";

	/** The handler that merges one ad's state. */
	public static final String STATE = "lasp-state";

	/** The handler that merges a stopping node's whole replica and answers. */
	public static final String FLUSH = "lasp-flush";

	/**
	 * After the Partisan node starts ({@code DEFAULT_PHASE - 2048}), before the web
	 * server ({@code - 1024}).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Logger logger = LoggerFactory.getLogger(StateSync.class);

	private final Partisan partisan;

	private final PartisanTemplate template;

	private final Replica replica;

	private final LaspNode node;

	private final LaspProperties properties;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	public StateSync(Partisan partisan, PartisanTemplate template, LaspNode node, LaspProperties properties) {
		this.partisan = partisan;
		this.template = template;
		this.node = node;
		this.replica = node.replica();
		this.properties = properties;
	}

	/**
	 * The members this node is connected to: whom the overlay lets it talk to directly.
	 */
	public List<Node> neighbours() {
		List<Node> neighbours = new ArrayList<>();
		for (Node member : this.partisan.members()) {
			if (!member.name().equals(this.replica.node()) && this.partisan.isConnected(member.id())) {
				neighbours.add(member);
			}
		}
		return neighbours;
	}

	/**
	 * One propagation round ({@link LaspNode#round}): every ad's state to every
	 * neighbour.
	 */
	void round() {
		List<String> names = neighbours().stream().map(Node::name).toList();
		this.node.round(names, (neighbour, update) -> {
			try {
				// The ad is the partition key: its newer state supersedes an older one
				// still queued.
				this.template.send(neighbour, STATE, update, ForwardOptions.channel(CHANNEL).partitionKey(update.ad()));
			}
			catch (PartisanException ex) {
				logger.debug("State of {} not sent to {}: {}", update.ad(), neighbour, ex.getMessage());
			}
		});
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "lasp-sync-" + this.replica.node());
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.syncInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> {
			try {
				round();
			}
			catch (RuntimeException ex) {
				logger.warn("State round failed ({}); the next round retries", ex.toString());
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
		this.running = true;
	}

	/**
	 * Stops the rounds, then hands the whole replica to each neighbour with a call and
	 * waits (at most {@code lasp.flush-timeout}) until they have merged it. Runs after
	 * the web server stopped, so no view comes in meanwhile, and before the Partisan node
	 * stops, so the calls can still travel.
	 */
	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
		}
		flush();
	}

	private void flush() {
		AdMap state = this.replica.snapshot();
		Duration timeout = this.properties.flushTimeout();
		List<CompletableFuture<FlushAck>> acks = new ArrayList<>();
		for (Node neighbour : neighbours()) {
			acks.add(this.template.call(neighbour.name(), FLUSH, state, FlushAck.class,
					ForwardOptions.channel(CHANNEL).partitionKey(FLUSH), timeout));
		}
		try {
			CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
				.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// Some neighbour did not answer (often one stopping at the same time): one
			// that did is enough.
		}
		long taken = acks.stream().filter((ack) -> ack.isDone() && !ack.isCompletedExceptionally()).count();
		if (taken > 0 || acks.isEmpty()) {
			logger.info("{} handed its last state to {} of {} neighbour(s)", this.replica.node(), taken, acks.size());
		}
		else if (this.replica.role() == Role.CLIENT) {
			// Only a client's own views exist nowhere else; a server's state came from
			// the clients.
			logger.warn("{} could not hand its last state to any of {} neighbour(s); its views since the last "
					+ "round are lost", this.replica.node(), acks.size());
		}
		else {
			logger.debug("{} could not hand its last state to any neighbour", this.replica.node());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
