package dev.partisan.spring.boot.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;

import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/partisan}: this node, its overlay and the members it knows, each
 * {@code up} or {@code down} (known and connected to, but not currently reachable).
 */
@Endpoint(id = "partisan")
public class PartisanEndpoint {

	private final Partisan partisan;

	public PartisanEndpoint(Partisan partisan) {
		this.partisan = partisan;
	}

	@ReadOperation
	public ClusterDescriptor cluster() {
		Node self = this.partisan.localNode();
		Set<Node> up = this.partisan.members();
		Set<NodeId> upIds = new TreeSet<>();
		List<MemberDescriptor> members = new ArrayList<>();
		for (Node node : up) {
			upIds.add(node.id());
			members
				.add(new MemberDescriptor(node.name(), node.address(), node.tag(), "up", node.id().equals(self.id())));
		}
		Set<NodeId> known = new TreeSet<>();
		for (LaneStats row : this.partisan.connectionTable()) {
			known.add(row.peer());
		}
		known.removeAll(upIds);
		for (NodeId id : known) {
			members.add(new MemberDescriptor(id.name(), null, null, "down", false));
		}
		members.sort((a, b) -> a.name().compareTo(b.name()));
		Map<String, List<String>> views = new TreeMap<>();
		this.partisan.views().forEach((name, view) -> views.put(name, view.stream().map(Node::name).sorted().toList()));
		Map<String, Object> transport = this.partisan.transportDetails();
		return new ClusterDescriptor(new MemberDescriptor(self.name(), self.address(), self.tag(), "up", true),
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
	 */
	public record MemberDescriptor(String name, @org.jspecify.annotations.Nullable String address,
			@org.jspecify.annotations.Nullable String tag, String state, boolean self) {
	}

}
