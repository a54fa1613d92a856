package dev.partisan.demo.kv.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The claim algorithm: which member owns which partition once the members change. A pure
 * function of the current owners and the members, so any node computes the same ring from
 * the same inputs.
 *
 * <p>
 * It aims for three things, in this order: every member owns its share (partitions /
 * members, the remainder going to those that own most already); few partitions move (each
 * move is a handoff of the partition's data); and no node owns two partitions within
 * {@code n} consecutive ones, so the {@code n} replicas of a key are on {@code n}
 * different nodes. When moving as little as possible leaves more such shared windows than
 * a fresh round-robin assignment would, the round robin wins, as Riak Core's claim falls
 * back to its sequential claim.
 */
public final class Claim {

	private Claim() {
	}

	/**
	 * @param current the current owners, one per partition
	 * @param members the members that are to own the ring (at least one)
	 * @param n the number of replicas a key has
	 * @return the new owners
	 */
	public static List<String> claim(List<String> current, Collection<String> members, int n) {
		if (members.isEmpty()) {
			throw new IllegalArgumentException("A ring needs at least one member");
		}
		List<String> sorted = new ArrayList<>(new TreeSet<>(members));
		List<String> incremental = incremental(current, sorted, n);
		List<String> sequential = sequential(current.size(), sorted);
		return (violations(incremental, n) <= violations(sequential, n)) ? incremental : sequential;
	}

	/** Owners in turn, members in name order. */
	static List<String> sequential(int partitions, List<String> members) {
		List<String> owners = new ArrayList<>(partitions);
		for (int i = 0; i < partitions; i++) {
			owners.add(members.get(i % members.size()));
		}
		return owners;
	}

	/**
	 * Keeps what it can: frees the partitions of departed members, then moves just enough
	 * to balance.
	 */
	static List<String> incremental(List<String> current, List<String> members, int n) {
		int size = current.size();
		String[] owners = new String[size];
		Map<String, Integer> counts = new HashMap<>();
		members.forEach((m) -> counts.put(m, 0));
		for (int i = 0; i < size; i++) {
			String owner = current.get(i);
			if (counts.containsKey(owner)) {
				owners[i] = owner;
				counts.merge(owner, 1, Integer::sum);
			}
		}
		Map<String, Integer> quota = quotas(size, members, counts);
		// Partitions nobody owns go to members below their share, preferably far from
		// their other partitions.
		for (int i = 0; i < size; i++) {
			if (owners[i] == null) {
				String taker = bestTaker(owners, i, members, counts, quota, n);
				owners[i] = taker;
				counts.merge(taker, 1, Integer::sum);
			}
		}
		// Members still below their share take from those above it: first where that
		// keeps replicas apart.
		for (boolean strict : new boolean[] { true, false }) {
			for (String taker : members) {
				for (int i = 0; i < size && counts.get(taker) < quota.get(taker); i++) {
					String owner = owners[i];
					if (!owner.equals(taker) && counts.get(owner) > quota.get(owner)
							&& (!strict || nearby(owners, i, taker, n) == 0)) {
						owners[i] = taker;
						counts.merge(owner, -1, Integer::sum);
						counts.merge(taker, 1, Integer::sum);
					}
				}
			}
		}
		return List.of(owners);
	}

	private static Map<String, Integer> quotas(int size, List<String> members, Map<String, Integer> counts) {
		List<String> byHolding = new ArrayList<>(members);
		byHolding.sort(Comparator.comparing((String m) -> -counts.get(m)).thenComparing(Comparator.naturalOrder()));
		Map<String, Integer> quota = new HashMap<>();
		for (int i = 0; i < byHolding.size(); i++) {
			quota.put(byHolding.get(i), size / members.size() + ((i < size % members.size()) ? 1 : 0));
		}
		return quota;
	}

	private static String bestTaker(String[] owners, int partition, List<String> members, Map<String, Integer> counts,
			Map<String, Integer> quota, int n) {
		String best = null;
		long bestScore = Long.MAX_VALUE;
		for (String m : members) {
			boolean under = counts.get(m) < quota.get(m);
			long score = (under ? 0 : 1_000_000L) + nearby(owners, partition, m, n) * 1_000L + counts.get(m);
			if (score < bestScore) {
				best = m;
				bestScore = score;
			}
		}
		return best;
	}

	/**
	 * How often {@code node} owns a partition less than {@code n} away from
	 * {@code partition}.
	 */
	private static int nearby(String[] owners, int partition, String node, int n) {
		int found = 0;
		for (int d = 1; d < n; d++) {
			if (node.equals(owners[Math.floorMod(partition - d, owners.length)])) {
				found++;
			}
			if (node.equals(owners[Math.floorMod(partition + d, owners.length)])) {
				found++;
			}
		}
		return found;
	}

	/**
	 * Windows of {@code n} consecutive partitions (wrapping) in which a node owns more
	 * than one.
	 */
	static int violations(List<String> owners, int n) {
		int windows = 0;
		for (int i = 0; i < owners.size(); i++) {
			TreeSet<String> distinct = new TreeSet<>();
			for (int d = 0; d < n; d++) {
				distinct.add(owners.get((i + d) % owners.size()));
			}
			if (distinct.size() < Math.min(n, new TreeSet<>(owners).size())) {
				windows++;
			}
		}
		return windows;
	}

}
