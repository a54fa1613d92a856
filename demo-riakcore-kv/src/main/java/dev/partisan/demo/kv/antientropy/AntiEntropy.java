package dev.partisan.demo.kv.antientropy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.api.PartisanMessage;
import dev.partisan.demo.kv.Channels;
import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.demo.kv.vnode.Versioned;
import dev.partisan.demo.kv.vnode.Vnode;
import dev.partisan.demo.kv.vnode.VnodeManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Metadata anti-entropy: replicas compare what they hold and repair the differences, in
 * the background, on the {@code metadata} channel. This is the large background traffic
 * of the papers' case study, the traffic that queues in front of requests when everything
 * shares one connection.
 *
 * <p>
 * Every {@code kv.anti-entropy-interval}, each vnode this node serves sends, for each
 * primary partition whose keys it replicates, a {@link Summary} (keys and stamps) to the
 * other replicas of that partition. A replica that holds something newer, or something
 * the summary lacks, sends it back as a {@link Repair}. Since every replica sends its
 * summaries, the differences are repaired both ways.
 */
@Component
public class AntiEntropy implements SmartLifecycle {

	static final String SUMMARY = "ae-summary";

	static final String REPAIR = "ae-repair";

	private static final Logger logger = LoggerFactory.getLogger(AntiEntropy.class);

	private final Partisan partisan;

	private final RingManager rings;

	private final VnodeManager vnodes;

	private final KvProperties properties;

	private final AtomicLong repairedKeys = new AtomicLong();

	private @Nullable ScheduledExecutorService scheduler;

	public AntiEntropy(Partisan partisan, RingManager rings, VnodeManager vnodes, KvProperties properties) {
		this.partisan = partisan;
		this.rings = rings;
		this.vnodes = vnodes;
		this.properties = properties;
		partisan.register(SUMMARY, Summary.class, this::compare);
		partisan.register(REPAIR, Repair.class, (repair, meta) -> merge(repair));
	}

	/** Keys this node has taken from repairs so far. */
	public long repairedKeys() {
		return this.repairedKeys.get();
	}

	/** Sends every summary of this node once. */
	public void exchange() {
		Ring ring = this.rings.current();
		int n = this.properties.replicas();
		for (int served : this.vnodes.serving()) {
			Vnode vnode = this.vnodes.vnode(served);
			if (vnode == null) {
				continue;
			}
			Map<Integer, Map<String, Versioned.Version>> byPrimary = new HashMap<>();
			ring.primariesServedBy(served, n).forEach((p) -> byPrimary.put(p, new HashMap<>()));
			vnode.snapshot().forEach((key, value) -> {
				Map<String, Versioned.Version> versions = byPrimary.get(ring.partitionOf(key));
				if (versions != null) {
					versions.put(key, value.version());
				}
			});
			byPrimary.forEach((primary, versions) -> {
				for (int replica : ring.preferenceList(primary, n)) {
					if (replica != served) {
						send(ring.ownerOf(replica), SUMMARY, new Summary(primary, served, replica, versions), replica);
					}
				}
			});
		}
	}

	/** A fellow replica's summary: send back what this replica holds newer. */
	private void compare(Summary summary, PartisanMessage meta) {
		Vnode vnode = servedVnode(summary.to());
		if (vnode == null) {
			return;
		}
		Ring ring = this.rings.current();
		Map<String, Versioned> newer = new HashMap<>();
		vnode.snapshot().forEach((key, value) -> {
			if (ring.partitionOf(key) == summary.primary()) {
				Versioned.Version theirs = summary.versions().get(key);
				if (theirs == null || value.version().compareTo(theirs) > 0) {
					newer.put(key, value);
				}
			}
		});
		if (!newer.isEmpty()) {
			send(meta.sender().name(), REPAIR, new Repair(summary.from(), newer), summary.from());
		}
	}

	private void merge(Repair repair) {
		Vnode vnode = servedVnode(repair.to());
		if (vnode != null) {
			repair.entries().forEach(vnode::merge);
			this.repairedKeys.addAndGet(repair.entries().size());
		}
	}

	private @Nullable Vnode servedVnode(int partition) {
		return this.vnodes.serving().contains(partition) ? this.vnodes.vnode(partition) : null;
	}

	private void send(String node, String handler, Object message, int partition) {
		try {
			this.partisan.forward(NodeId.of(node), handler, message,
					ForwardOptions.channel(Channels.METADATA).partitionKey(partition));
		}
		catch (PartisanException ex) {
			logger.debug("Anti-entropy could not reach {}: {}", node, ex.getMessage());
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "kv-anti-entropy");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.antiEntropyInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> {
			try {
				exchange();
			}
			catch (RuntimeException ex) {
				logger.warn("Anti-entropy round failed; the next one retries", ex);
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		return RingManager.PHASE;
	}

}
