package dev.partisan.membership;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.OverlayOperationException;

/**
 * A fixed cluster: the members are this node and the configured seeds, connected from the
 * start. Joining and leaving are refused, because there is nothing to change at run time.
 * It has no control messages, so nothing a peer sends can change its members; and no
 * member relays for another.
 */
public final class StaticOverlay implements Overlay {

	public static final String NAME = "static";

	private final Set<Node> members = new LinkedHashSet<>();

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void start(OverlayContext context) {
		this.members.add(context.localNode());
		for (Node seed : context.seeds()) {
			if (!seed.id().equals(context.localNode().id())) {
				this.members.add(seed);
				context.connect(seed);
			}
		}
		context.membersChanged();
	}

	/** The seeds are the members, connected to on start: there is nothing to join. */
	@Override
	public boolean joinsSeeds() {
		return false;
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		return refuse("join");
	}

	@Override
	public CompletableFuture<Void> leave() {
		return refuse("leave");
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		return refuse("leave");
	}

	private static CompletableFuture<Void> refuse(String operation) {
		return CompletableFuture.failedFuture(new OverlayOperationException("The static overlay does not support "
				+ operation + ": its members are fixed by configuration (the seeds); use the full-mesh overlay "
				+ "for a cluster that changes at run time"));
	}

	@Override
	public Set<Node> members() {
		return Set.copyOf(this.members);
	}

	@Override
	public Map<String, Class<? extends ControlMessage>> controlMessageTypes() {
		return Map.of();
	}

	@Override
	public void onControlMessage(NodeId from, ControlMessage message) {
	}

	@Override
	public void stop() {
	}

}
