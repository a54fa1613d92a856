package dev.partisan.demo.kv.kv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.demo.kv.Channels;
import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.demo.kv.vnode.Versioned;
import dev.partisan.demo.kv.vnode.VnodeManager;
import dev.partisan.demo.kv.vnode.VnodeReply;
import dev.partisan.demo.kv.vnode.VnodeRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * The quorum key-value store, coordinated on whichever node a client asks.
 *
 * <p>
 * A key lives on its preference list: the vnodes of its partition and of the next
 * {@code N - 1} partitions clockwise, each on the partition's owner. A put stamps the
 * value ({@link LwwClock}) and sends it to all {@code N}, and returns after {@code W}
 * acknowledge; a get asks all {@code N}, returns the newest of the first {@code R}
 * replies, and once every replica has answered (or failed) writes that newest value back
 * to those that answered with something older or nothing: read repair.
 *
 * <p>
 * Every request goes on the {@code vnode} channel with the partition as partition key, so
 * requests to one vnode keep one lane (in order) and requests to different vnodes spread
 * over the lanes.
 */
@Service
public class KvService {

	private final Partisan partisan;

	private final RingManager rings;

	private final KvProperties properties;

	private final LwwClock clock = new LwwClock();

	public KvService(Partisan partisan, RingManager rings, KvProperties properties) {
		this.partisan = partisan;
		this.rings = rings;
		this.properties = properties;
	}

	public CompletableFuture<KvResult> put(String key, byte[] value) {
		return write(key, new Versioned(this.clock.next(), this.partisan.localNode().name(), value));
	}

	/**
	 * Deletes by writing a tombstone, which wins over the older value wherever they meet.
	 */
	public CompletableFuture<KvResult> delete(String key) {
		return write(key, new Versioned(this.clock.next(), this.partisan.localNode().name(), null));
	}

	private CompletableFuture<KvResult> write(String key, Versioned value) {
		Map<Replica, CompletableFuture<VnodeReply>> requests = send(key, VnodeRequest.put(key, value));
		return Quorum.of(this.properties.writeQuorum(), requests)
			.thenApply((answers) -> new KvResult(key, value, answered(answers)));
	}

	public CompletableFuture<KvResult> get(String key) {
		Map<Replica, CompletableFuture<VnodeReply>> requests = send(key, VnodeRequest.get(key));
		CompletableFuture.allOf(requests.values().toArray(CompletableFuture[]::new))
			.whenComplete((done, error) -> readRepair(key, requests));
		return Quorum.of(this.properties.readQuorum(), requests).thenApply((answers) -> {
			Versioned newest = null;
			for (Quorum.Answer<VnodeReply> answer : answers) {
				newest = Versioned.newest(newest, answer.reply().value());
			}
			return new KvResult(key, newest, answered(answers));
		});
	}

	/** The replicas of {@code key} in the ring this node has now. */
	public List<Replica> preferenceList(String key) {
		Ring ring = this.rings.current();
		return ring.preferenceList(ring.partitionOf(key), this.properties.replicas())
			.stream()
			.map((p) -> new Replica(p, ring.ownerOf(p)))
			.toList();
	}

	private Map<Replica, CompletableFuture<VnodeReply>> send(String key, VnodeRequest request) {
		Map<Replica, CompletableFuture<VnodeReply>> requests = new LinkedHashMap<>();
		for (Replica replica : preferenceList(key)) {
			requests.put(replica, call(replica, request));
		}
		return requests;
	}

	private CompletableFuture<VnodeReply> call(Replica replica, VnodeRequest request) {
		try {
			return this.partisan.call(NodeId.of(replica.node()), VnodeManager.vnodeName(replica.partition()), request,
					VnodeReply.class, ForwardOptions.channel(Channels.VNODE).partitionKey(replica.partition()),
					this.properties.requestTimeout());
		}
		catch (PartisanException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Writes the newest value back to every replica that answered with an older one or
	 * none.
	 */
	private void readRepair(String key, Map<Replica, CompletableFuture<VnodeReply>> requests) {
		Versioned newest = null;
		Map<Replica, @Nullable Versioned> seen = new LinkedHashMap<>();
		for (Map.Entry<Replica, CompletableFuture<VnodeReply>> request : requests.entrySet()) {
			if (request.getValue().isCompletedExceptionally()) {
				continue;
			}
			VnodeReply reply = request.getValue().getNow(null);
			if (reply == null) {
				continue;
			}
			seen.put(request.getKey(), reply.value());
			newest = Versioned.newest(newest, reply.value());
		}
		if (newest == null) {
			return;
		}
		for (Map.Entry<Replica, @Nullable Versioned> replica : seen.entrySet()) {
			if (newest.isNewerThan(replica.getValue())) {
				try {
					this.partisan.forward(NodeId.of(replica.getKey().node()),
							VnodeManager.vnodeName(replica.getKey().partition()), VnodeRequest.put(key, newest),
							ForwardOptions.channel(Channels.VNODE).partitionKey(replica.getKey().partition()));
				}
				catch (PartisanException ex) {
					// Best effort: anti-entropy repairs what read repair cannot reach.
				}
			}
		}
	}

	private static List<Replica> answered(List<Quorum.Answer<VnodeReply>> answers) {
		return answers.stream().map(Quorum.Answer::replica).toList();
	}

}
