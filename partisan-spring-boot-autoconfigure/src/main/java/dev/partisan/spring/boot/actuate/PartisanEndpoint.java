package dev.partisan.spring.boot.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.partisan.api.DownReason;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/partisan}: this node, its overlay and the members it knows, each
 * {@code up} or {@code down}. A member is down when this node saw it go down (then with
 * the reason, {@code left} or {@code unreachable}, until it comes back up) or when this
 * node has lanes to it but it is not a member now.
 */
@Endpoint(id = "partisan")
public class PartisanEndpoint {

	/**
	 * How many members that went down are remembered: enough for a page to show what
	 * happened, bounded so that a cluster with churn does not grow the answer forever.
	 */
	static final int REMEMBERED_DOWN = 64;

	private final Partisan partisan;

	/** The members seen going down, oldest first, by name; guarded by itself. */
	private final Map<String, Down> down = new LinkedHashMap<>();

	public PartisanEndpoint(Partisan partisan) {
		this.partisan = partisan;
		partisan.addMembershipListener(new MembershipListener() {

			@Override
			public void memberUp(Node node) {
				synchronized (PartisanEndpoint.this.down) {
					PartisanEndpoint.this.down.remove(node.name());
				}
			}

			@Override
			public void memberDown(Node node, DownReason reason) {
				synchronized (PartisanEndpoint.this.down) {
					Map<String, Down> remembered = PartisanEndpoint.this.down;
					remembered.remove(node.name());
					remembered.put(node.name(), new Down(node, reason));
					if (remembered.size() > REMEMBERED_DOWN) {
						remembered.remove(remembered.keySet().iterator().next());
					}
				}
			}

		});
	}

	@ReadOperation
	public ClusterDescriptor cluster() {
		Node self = this.partisan.localNode();
		Set<Node> up = this.partisan.members();
		Set<NodeId> upIds = new TreeSet<>();
		List<MemberDescriptor> members = new ArrayList<>();
		Set<String> listed = new TreeSet<>();
		for (Node node : up) {
			upIds.add(node.id());
			listed.add(node.name());
			members.add(new MemberDescriptor(node.name(), node.address(), node.tag(), "up", node.id().equals(self.id()),
					null));
		}
		synchronized (this.down) {
			for (Down gone : this.down.values()) {
				if (listed.add(gone.node().name())) {
					Node node = gone.node();
					members.add(new MemberDescriptor(node.name(), node.address(), node.tag(), "down", false,
							gone.reason().name().toLowerCase(java.util.Locale.ROOT)));
				}
			}
		}
		Set<NodeId> known = new TreeSet<>();
		for (LaneStats row : this.partisan.connectionTable()) {
			known.add(row.peer());
		}
		known.removeAll(upIds);
		for (NodeId id : known) {
			if (listed.add(id.name())) {
				members.add(new MemberDescriptor(id.name(), null, null, "down", false, null));
			}
		}
		members.sort((a, b) -> a.name().compareTo(b.name()));
		Map<String, List<String>> views = new TreeMap<>();
		this.partisan.views().forEach((name, view) -> views.put(name, view.stream().map(Node::name).sorted().toList()));
		Map<String, Object> transport = this.partisan.transportDetails();
		return new ClusterDescriptor(new MemberDescriptor(self.name(), self.address(), self.tag(), "up", true, null),
				this.partisan.overlayName(), members, views, transport);
	}

	/**
	 * @param node this node
	 * @param overlay the overlay in use
	 * @param members every member this node knows, itself included
	 * @param views the overlay's named views (peer-to-peer: {@code active} and
	 * {@code passive})
	 * @param transport how the node reaches the others: {@code kind} {@code tcp} with the
	 * listening address, or {@code amqp} with the broker, whether it is connected, and
	 * messages rejected from it
	 */
	public record ClusterDescriptor(MemberDescriptor node, String overlay, List<MemberDescriptor> members,
			Map<String, List<String>> views, Map<String, Object> transport) {
	}

	/**
	 * @param name the node name
	 * @param address {@code name@host:port}, when known
	 * @param tag its role tag, if any
	 * @param state {@code up} or {@code down}
	 * @param self whether it is this node
	 * @param reason why it is down, when this node saw it go: {@code left} (it left or
	 * was removed) or {@code unreachable} (crashed, silent or partitioned away)
	 */
	public record MemberDescriptor(String name, @Nullable String address, @Nullable String tag, String state,
			boolean self, @Nullable String reason) {
	}

	private record Down(Node node, DownReason reason) {
	}

}
