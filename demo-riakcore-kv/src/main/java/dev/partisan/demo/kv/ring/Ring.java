package dev.partisan.demo.kv.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who owns which partition of the hash ring: {@code owners.get(i)} is the node that runs
 * the vnode of partition {@code i}. Immutable; it is also the message gossiped between
 * members.
 *
 * <p>
 * A ring is replaced by a newer one: a higher {@code version}, and for two rings of one
 * version (two claimants that did not hear of each other) the lower claimant name, then
 * the owners, so every node settles on the same ring.
 *
 * @param version grows by one with every claim
 * @param claimant the node that made this ring
 * @param owners the owner of each partition, in ring order
 */
public record Ring(long version, String claimant, List<String> owners) {

	public Ring {
		owners = List.copyOf(owners);
	}

	/** A node's ring before it has heard of any other: it owns everything. */
	public static Ring solo(String node, int partitions) {
		return new Ring(0, node, Collections.nCopies(partitions, node));
	}

	public int size() {
		return this.owners.size();
	}

	public String ownerOf(int partition) {
		return this.owners.get(Math.floorMod(partition, size()));
	}

	/**
	 * The partition whose slice of the ring the key's hash falls in. The ring is the
	 * 64-bit space of the key's SHA-1 cut into equal slices, as Riak Core cuts its
	 * 160-bit one.
	 */
	public int partitionOf(String key) {
		long hash = hash(key);
		return (int) (((hash >>> 32) * size()) >>> 32);
	}

	/**
	 * The preference list of a partition: it and the next {@code n - 1} partitions
	 * clockwise. Each is served by the vnode of that partition on its owner, so with a
	 * diverse ring the replicas sit on {@code n} different nodes.
	 */
	public List<Integer> preferenceList(int partition, int n) {
		List<Integer> list = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			list.add(Math.floorMod(partition + i, size()));
		}
		return list;
	}

	/**
	 * The partitions whose preference lists (of length {@code n}) include
	 * {@code partition}.
	 */
	public List<Integer> primariesServedBy(int partition, int n) {
		List<Integer> list = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			list.add(Math.floorMod(partition - i, size()));
		}
		return list;
	}

	public Set<String> members() {
		return new TreeSet<>(this.owners);
	}

	/** Each member's partitions, members in name order. */
	public Map<String, List<Integer>> ownership() {
		Map<String, List<Integer>> byNode = new TreeMap<>();
		for (int i = 0; i < size(); i++) {
			byNode.computeIfAbsent(this.owners.get(i), (k) -> new ArrayList<>()).add(i);
		}
		return byNode;
	}

	/** Whether this ring replaces {@code other}. */
	public boolean isNewerThan(Ring other) {
		if (this.version != other.version) {
			return this.version > other.version;
		}
		int byClaimant = this.claimant.compareTo(other.claimant);
		if (byClaimant != 0) {
			return byClaimant < 0;
		}
		return this.owners.toString().compareTo(other.owners.toString()) < 0;
	}

	/**
	 * Windows of {@code n} consecutive partitions in which one node owns two: replicas
	 * that share a node.
	 */
	public int violations(int n) {
		return Claim.violations(this.owners, n);
	}

	static long hash(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
			long value = 0;
			for (int i = 0; i < 8; i++) {
				value = (value << 8) | (digest[i] & 0xFF);
			}
			return value;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JVM has SHA-1", ex);
		}
	}

}
