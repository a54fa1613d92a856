package dev.partisan.demo.kv.echo;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.Channels;
import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.demo.kv.vnode.VnodeManager;

import org.springframework.stereotype.Service;

/**
 * The papers' echo service (000 §6.2.2): a binary of a given size goes to a uniformly
 * chosen partition, whose {@code echo-p} actor sends it back. Bound only by the receiving
 * actor and the network, so it shows what the channels and lanes do with large payloads.
 * The bytes travel as they are (no JSON).
 */
@Service
public class EchoService {

	private final Partisan partisan;

	private final RingManager rings;

	private final KvProperties properties;

	public EchoService(Partisan partisan, RingManager rings, KvProperties properties) {
		this.partisan = partisan;
		this.rings = rings;
		this.properties = properties;
	}

	/**
	 * Sends {@code payload} to a random partition's echo actor and completes when it is
	 * back.
	 * @throws IllegalStateException (in the future) when the bytes come back different
	 */
	public CompletableFuture<EchoResult> echo(byte[] payload) {
		return echo(payload, false);
	}

	/**
	 * Like {@link #echo(byte[])}; with {@code remoteOnly}, the partition is chosen among
	 * those another node owns (any, when this node owns them all), so every echo crosses
	 * the network.
	 */
	public CompletableFuture<EchoResult> echo(byte[] payload, boolean remoteOnly) {
		Ring ring = this.rings.current();
		int partition = choose(ring, remoteOnly);
		String node = ring.ownerOf(partition);
		long start = System.nanoTime();
		return this.partisan
			.call(NodeId.of(node), VnodeManager.echoName(partition), payload, byte[].class,
					ForwardOptions.channel(Channels.VNODE).partitionKey(partition), this.properties.requestTimeout())
			.thenApply((back) -> {
				if (!Arrays.equals(back, payload)) {
					throw new IllegalStateException(
							"echo-" + partition + " on " + node + " returned " + back.length + " different bytes");
				}
				return new EchoResult(partition, node, payload.length, (System.nanoTime() - start) / 1000);
			});
	}

	private int choose(Ring ring, boolean remoteOnly) {
		String self = this.partisan.localNode().name();
		int partition = ThreadLocalRandom.current().nextInt(ring.size());
		for (int tries = 0; remoteOnly && tries < 4 * ring.size() && ring.ownerOf(partition).equals(self); tries++) {
			partition = ThreadLocalRandom.current().nextInt(ring.size());
		}
		return partition;
	}

	/**
	 * @param partition the partition that echoed
	 * @param node its owner
	 * @param bytes the payload size
	 * @param micros the round trip
	 */
	public record EchoResult(int partition, String node, int bytes, long micros) {
	}

}
