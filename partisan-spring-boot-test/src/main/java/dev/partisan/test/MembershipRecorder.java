package dev.partisan.test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;

/**
 * Keeps every membership change one node observes, in order. Added to the node before it
 * starts, so the first changes are not missed.
 */
final class MembershipRecorder implements MembershipListener {

	private final List<MembershipChange> changes = new CopyOnWriteArrayList<>();

	@Override
	public void memberUp(Node node) {
		this.changes.add(new MembershipChange(MembershipChange.Kind.UP, node.name(), null));
	}

	@Override
	public void memberDown(Node node, DownReason reason) {
		this.changes.add(new MembershipChange(MembershipChange.Kind.DOWN, node.name(), reason));
	}

	List<MembershipChange> changes() {
		return List.copyOf(this.changes);
	}

	/** The latest change observed for {@code member}, if any. */
	Optional<MembershipChange> latest(String member) {
		List<MembershipChange> all = changes();
		for (int i = all.size() - 1; i >= 0; i--) {
			if (all.get(i).member().equals(member)) {
				return Optional.of(all.get(i));
			}
		}
		return Optional.empty();
	}

}
