package dev.partisan.spring.boot.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.api.Registration;
import dev.partisan.spring.core.PartisanMembershipEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the node with the application context, joins the seeds in the background
 * (retrying, so an unreachable seed never fails start-up), publishes member up, down and
 * out-of-view events, and leaves gracefully on shutdown. Whether to join seeds and
 * whether to leave are the overlay's answers ({@link Partisan#joinsSeeds()},
 * {@link Partisan#leavesOnShutdown()}), so a new overlay needs no change here. Starts
 * before, and stops after, the web server. While running it holds a non-daemon
 * {@link KeepAlive} thread (unless {@code partisan.keep-alive} is false), as Spring's
 * listener containers keep an application alive while they consume: the node's own
 * threads are daemons, so without it an application with no web server would exit right
 * after start-up. SIGTERM closes the context, which stops this bean and releases the
 * thread.
 */
public class PartisanLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PartisanLifecycle.class);

	private final Partisan partisan;

	private final PartisanProperties properties;

	private final List<Node> seeds;

	private final ApplicationEventPublisher events;

	private volatile boolean running;

	private @Nullable ScheduledExecutorService joiner;

	private @Nullable Registration listener;

	private final KeepAlive keepAlive = new KeepAlive();

	public PartisanLifecycle(Partisan partisan, PartisanProperties properties, List<Node> seeds,
			ApplicationEventPublisher events) {
		this.partisan = partisan;
		this.properties = properties;
		this.seeds = seeds;
		this.events = events;
	}

	@Override
	public void start() {
		this.listener = this.partisan.addMembershipListener(new dev.partisan.api.MembershipListener() {
			@Override
			public void memberUp(Node node) {
				PartisanLifecycle.this.events
					.publishEvent(new PartisanMembershipEvent.MemberUp(PartisanLifecycle.this.partisan, node));
			}

			@Override
			public void memberDown(Node node, DownReason reason) {
				PartisanLifecycle.this.events.publishEvent(
						new PartisanMembershipEvent.MemberDown(PartisanLifecycle.this.partisan, node, reason));
			}

			@Override
			public void memberOutOfView(Node node) {
				PartisanLifecycle.this.events
					.publishEvent(new PartisanMembershipEvent.MemberOutOfView(PartisanLifecycle.this.partisan, node));
			}
		});
		// A taken port fails here with core's PortInUseException, which the failure
		// analyzer explains.
		this.partisan.start();
		this.running = true;
		if (this.properties.isKeepAlive()) {
			this.keepAlive.start(this.partisan.localNode().name());
		}
		if (this.partisan.joinsSeeds()) {
			startJoining();
		}
	}

	private void startJoining() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-joiner");
			thread.setDaemon(true);
			return thread;
		});
		this.joiner = executor;
		long retry = this.properties.getJoinRetryInterval().toMillis();
		for (Node seed : this.seeds) {
			if (!seed.id().equals(this.partisan.localNode().id())) {
				executor.execute(() -> joinUntilMember(seed, executor, retry));
			}
		}
		String dnsName = this.properties.getDiscovery().getDns().getName();
		if (dnsName != null && !dnsName.isBlank()) {
			long refresh = this.properties.getDiscovery().getDns().getRefreshInterval().toMillis();
			executor.scheduleWithFixedDelay(() -> discover(dnsName), 0, refresh, TimeUnit.MILLISECONDS);
		}
	}

	private void joinUntilMember(Node seed, ScheduledExecutorService executor, long retryMillis) {
		if (!this.running || isMember(seed)) {
			return;
		}
		this.partisan.join(seed).whenComplete((ok, error) -> {
			if (error != null && this.running) {
				logger.info("Joining {} failed ({}); trying again in {} ms", seed.address(), rootMessage(error),
						retryMillis);
				try {
					executor.schedule(() -> joinUntilMember(seed, executor, retryMillis), retryMillis,
							TimeUnit.MILLISECONDS);
				}
				catch (java.util.concurrent.RejectedExecutionException ex) {
					// stopping
				}
			}
		});
	}

	/** Resolves the DNS name and joins every address that is not already a member. */
	private void discover(String dnsName) {
		int port = this.properties.getDiscovery().getDns().getPort();
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(dnsName);
		}
		catch (UnknownHostException ex) {
			logger.info("Seed discovery: {} does not resolve yet ({})", dnsName, ex.getMessage());
			return;
		}
		Node self = this.partisan.localNode();
		for (InetAddress address : addresses) {
			String host = address.getHostAddress();
			boolean known = this.partisan.members().stream().anyMatch((m) -> m.port() == port && m.host().equals(host));
			if (known || (self.port() == port && self.host().equals(host))) {
				continue;
			}
			this.partisan.joinAddress(host, port).whenComplete((seed, error) -> {
				if (error != null) {
					logger.debug("Seed discovery: joining {}:{} failed: {}", host, port, rootMessage(error));
				}
				else {
					logger.info("Seed discovery: joined {} found at {}:{}", seed.name(), host, port);
				}
			});
		}
	}

	private boolean isMember(Node seed) {
		return this.partisan.members().stream().anyMatch((m) -> m.id().equals(seed.id()));
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.joiner != null) {
			this.joiner.shutdownNow();
		}
		if (this.properties.isLeaveOnShutdown() && this.partisan.leavesOnShutdown()) {
			try {
				this.partisan.leave().get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				logger.info("Leaving the cluster on shutdown did not complete: {}", rootMessage(ex));
			}
		}
		this.partisan.close();
		if (this.listener != null) {
			this.listener.remove();
		}
		// Last: until the node is closed, the JVM has a reason to stay.
		this.keepAlive.stop();
	}

	/** Whether this node currently holds the JVM alive with its keep-alive thread. */
	public boolean isKeepingAlive() {
		return this.keepAlive.isHeld();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the web server starts, after it stops. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	private static String rootMessage(Throwable error) {
		Throwable current = error;
		while (current.getCause() != null && current.getCause() != current) {
			current = current.getCause();
		}
		return String.valueOf(current.getMessage());
	}

}
