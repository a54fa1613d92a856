package dev.partisan.demo.lasp.sim;

import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.demo.lasp.LaspProperties;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.core.LaspNode;
import dev.partisan.demo.lasp.ads.Role;
import dev.partisan.demo.lasp.sync.StateSync;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The papers' simulated devices ({@code lasp.simulate}): every {@code lasp.view-interval}
 * a client shows one of the ads it may still show, picked at random, until none is left.
 * Servers simulate nothing.
 */
@Component
class ViewSimulator implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ViewSimulator.class);

	private final LaspNode node;

	private final Replica replica;

	private final LaspProperties properties;

	private final AtomicLong views = new AtomicLong();

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	ViewSimulator(LaspNode node, LaspProperties properties) {
		this.node = node;
		this.replica = node.replica();
		this.properties = properties;
	}

	private void viewOne(Random random) {
		if (this.node.viewRandomAd(random).isPresent()) {
			this.views.incrementAndGet();
		}
	}

	/** Views this client's simulation has made. */
	long views() {
		return this.views.get();
	}

	@Override
	public void start() {
		if (!this.properties.simulate() || this.replica.role() != Role.CLIENT) {
			return;
		}
		// Seeded by the node's name, so one node's choices repeat from run to run.
		Random random = new Random(this.replica.node().hashCode());
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "lasp-views-" + this.replica.node());
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.viewInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> viewOne(random), interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
		this.running = true;
		logger.info("{} views an ad every {} ms", this.replica.node(), interval);
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the state's last flush, so that flush carries every simulated view.
	 */
	@Override
	public int getPhase() {
		return StateSync.PHASE + 1;
	}

}
