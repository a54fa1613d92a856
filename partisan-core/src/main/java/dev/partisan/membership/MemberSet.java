package dev.partisan.membership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/**
 * A state-based set CRDT of members that supports removal: each node has one entry with a
 * version, and merge keeps, per node, the entry that {@link MemberEntry#supersedes
 * supersedes} the other. Merge is commutative, associative and idempotent, so replicas
 * that exchange states in any order converge. A removal bumps the version, so it beats
 * the add it removes; a restart (a larger incarnation) or an explicit re-add beats the
 * removal. Not thread-safe: the overlay's thread owns it.
 */
public final class MemberSet {

	private final Map<NodeId, MemberEntry> entries = new HashMap<>();

	/**
	 * Counts the changes to {@link #entries}, so that what is derived from them (the
	 * snapshot below, an overlay's views) is computed once per change, not once per
	 * reader: a member of a thousand-node full mesh reads them several times for every
	 * gossip it takes.
	 */
	private long changes;

	private @Nullable List<MemberEntry> snapshot;

	/** Adds or revives {@code node} at {@code version} (if newer than what is known). */
	public boolean add(Node node, long version) {
		return merge(new MemberEntry(node, version, false));
	}

	/**
	 * Marks {@code node} removed at a version above the one known; returns the new
	 * version.
	 */
	public long remove(NodeId node) {
		MemberEntry known = this.entries.get(node);
		if (known == null) {
			return -1;
		}
		long version = known.version() + 1;
		this.entries.put(node, new MemberEntry(known.node(), version, true));
		changed();
		return version;
	}

	public boolean merge(Collection<MemberEntry> incoming) {
		boolean changed = false;
		for (MemberEntry entry : incoming) {
			changed |= merge(entry);
		}
		return changed;
	}

	private boolean merge(MemberEntry entry) {
		MemberEntry known = this.entries.get(entry.node().id());
		if (known == null || entry.supersedes(known)) {
			this.entries.put(entry.node().id(), entry);
			changed();
			return true;
		}
		return false;
	}

	/** How many nodes this set has an entry for, removed ones included. */
	public int size() {
		return this.entries.size();
	}

	public @Nullable MemberEntry get(NodeId node) {
		return this.entries.get(node);
	}

	/** The nodes present (not removed). */
	public Set<Node> alive() {
		Set<Node> alive = new LinkedHashSet<>();
		for (MemberEntry entry : this.entries.values()) {
			if (!entry.removed()) {
				alive.add(entry.node());
			}
		}
		return alive;
	}

	public List<MemberEntry> entries() {
		return new ArrayList<>(this.entries.values());
	}

	/**
	 * The entries as an immutable list, in the order of {@link #entries()} and
	 * {@link #alive()}; the same instance until the next change.
	 */
	public List<MemberEntry> snapshot() {
		List<MemberEntry> current = this.snapshot;
		if (current == null) {
			current = List.copyOf(this.entries.values());
			this.snapshot = current;
		}
		return current;
	}

	/** How many changes this set has seen: equal counts mean equal contents. */
	public long changes() {
		return this.changes;
	}

	private void changed() {
		this.changes++;
		this.snapshot = null;
	}

	/** Whether {@code other} holds exactly this state. */
	public boolean sameAs(Collection<MemberEntry> other) {
		if (other.size() != this.entries.size()) {
			return false;
		}
		for (MemberEntry entry : other) {
			if (!entry.equals(this.entries.get(entry.node().id()))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Forgets every member but {@code self}, which is kept present at {@code version}.
	 * Removals of other nodes are kept: a removal is knowledge, not membership, and a
	 * node that forgot it would take the removed node back in a cluster it starts anew.
	 */
	public void resetTo(Node self, long version) {
		this.entries.values().removeIf((entry) -> !entry.removed());
		this.entries.put(self.id(), new MemberEntry(self, version, false));
		changed();
	}

}
