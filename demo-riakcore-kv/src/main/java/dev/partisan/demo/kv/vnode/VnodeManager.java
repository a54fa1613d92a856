package dev.partisan.demo.kv.vnode;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.Channels;
import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingListener;
import dev.partisan.demo.kv.ring.RingManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Runs a vnode for every partition this node owns, and hands partitions over when the
 * ring moves them.
 *
 * <p>
 * Each owned partition {@code p} is two actors registered with Partisan: {@code vnode-p}
 * serves gets and puts, {@code echo-p} returns what it is sent. They are registered
 * programmatically, not with {@code @PartisanChannel}, because which ones exist changes
 * with the ring.
 *
 * <p>
 * Handoff: when the ring gives a partition to another node, this node stops serving it
 * (so no write lands after the copy), sends its data to the new owner on the
 * {@code metadata} channel, and drops it once the new owner has it. A handoff that fails
 * is retried on the next ring round.
 */
@Component
public class VnodeManager implements RingListener {

	/** The handler that receives handed-off partitions. */
	public static final String HANDOFF = "handoff";

	private static final Logger logger = LoggerFactory.getLogger(VnodeManager.class);

	private final Partisan partisan;

	private final KvProperties properties;

	private final Map<Integer, Vnode> vnodes = new ConcurrentHashMap<>();

	private final Set<Integer> serving = ConcurrentHashMap.newKeySet();

	private final Map<Integer, CompletableFuture<?>> handoffs = new ConcurrentHashMap<>();

	private final RingManager rings;

	public VnodeManager(Partisan partisan, KvProperties properties, RingManager rings) {
		this.partisan = partisan;
		this.properties = properties;
		this.rings = rings;
		partisan.registerRequestHandler(HANDOFF, Handoff.class, (handoff, meta) -> receive(handoff));
		rings.addListener(this);
	}

	public static String vnodeName(int partition) {
		return "vnode-" + partition;
	}

	public static String echoName(int partition) {
		return "echo-" + partition;
	}

	/** The vnode of {@code partition} on this node, if this node holds its data. */
	public @Nullable Vnode vnode(int partition) {
		return this.vnodes.get(partition);
	}

	/** The partitions this node serves now. */
	public Set<Integer> serving() {
		return new TreeSet<>(this.serving);
	}

	/**
	 * Serves what the ring gives this node, and starts handing over what it took away.
	 * Never waits: it runs on the threads that deliver rings and handoffs.
	 */
	@Override
	public synchronized void ring(Ring ring) {
		String self = this.partisan.localNode().name();
		for (int p = 0; p < ring.size(); p++) {
			if (ring.ownerOf(p).equals(self)) {
				serve(p);
			}
			else if (this.vnodes.containsKey(p)) {
				stopServing(p);
				CompletableFuture<?> previous = this.handoffs.get(p);
				if (previous == null || previous.isDone()) {
					this.handoffs.put(p, handOff(p, ring));
				}
			}
		}
	}

	/**
	 * Waits (at most the handoff timeout) for the handoffs under way, so they arrive
	 * before the node stops.
	 */
	@Override
	public void left() {
		try {
			CompletableFuture.allOf(this.handoffs.values().toArray(CompletableFuture[]::new))
				.get(this.properties.handoffTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Leaving with partitions not handed over: {}", this.vnodes.keySet());
		}
	}

	private void serve(int p) {
		Vnode vnode = this.vnodes.computeIfAbsent(p,
				(k) -> new Vnode(k, this.partisan.localNode().name(), this.properties.storageDelay()));
		if (this.serving.add(p)) {
			this.partisan.registerRequestHandler(vnodeName(p), VnodeRequest.class,
					(request, meta) -> vnode.handle(request));
			this.partisan.registerRequestHandler(echoName(p), byte[].class, (bytes, meta) -> bytes);
		}
	}

	private void stopServing(int p) {
		if (this.serving.remove(p)) {
			this.partisan.unregister(vnodeName(p));
			this.partisan.unregister(echoName(p));
		}
	}

	/**
	 * Rounds of handoff for one partition before giving up until the next ring change.
	 */
	private static final int HANDOFF_ROUNDS = 3;

	private CompletableFuture<?> handOff(int p, Ring ring) {
		return handOff(p, ring, HANDOFF_ROUNDS);
	}

	/**
	 * Sends the partition's data to its new owner and drops it here once acknowledged —
	 * unless writes arrived meanwhile (read repair, anti-entropy, a late put): then what
	 * it holds now is sent again, as merging is idempotent, for up to {@code rounds}
	 * rounds.
	 */
	private CompletableFuture<?> handOff(int p, Ring ring, int rounds) {
		String newOwner = ring.ownerOf(p);
		Vnode vnode = this.vnodes.get(p);
		if (vnode == null) {
			return CompletableFuture.completedFuture(null);
		}
		if (vnode.size() == 0) {
			this.vnodes.remove(p, vnode);
			return CompletableFuture.completedFuture(null);
		}
		Handoff handoff = new Handoff(p, this.partisan.localNode().name(), vnode.snapshot(), ring);
		return this.partisan
			.call(NodeId.of(newOwner), HANDOFF, handoff, Handoff.Ack.class,
					ForwardOptions.channel(Channels.METADATA).partitionKey(p), this.properties.handoffTimeout())
			.handle((ack, error) -> {
				if (error != null) {
					logger.info("Handoff of partition {} to {} failed ({}); retrying on the next round", p, newOwner,
							error.getMessage());
					return CompletableFuture.completedFuture(null);
				}
				if (this.serving.contains(p)) {
					return CompletableFuture.completedFuture(null);
				}
				if (vnode.size() == handoff.entries().size()) {
					this.vnodes.remove(p, vnode);
					logger.debug("Handed partition {} ({} keys) to {}", p, ack.entries(), newOwner);
					return CompletableFuture.completedFuture(null);
				}
				return (rounds > 1) ? handOff(p, ring, rounds - 1) : CompletableFuture.completedFuture(null);
			})
			.thenCompose((next) -> next);
	}

	private Handoff.Ack receive(Handoff handoff) {
		this.rings.offer(handoff.ring());
		Vnode vnode = this.vnodes.computeIfAbsent(handoff.partition(),
				(k) -> new Vnode(k, this.partisan.localNode().name(), this.properties.storageDelay()));
		handoff.entries().forEach(vnode::merge);
		return new Handoff.Ack(handoff.partition(), handoff.entries().size());
	}

}
