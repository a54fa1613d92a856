package dev.partisan.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/** The connection table row of one peer: its control lane and, per channel, its lanes. */
final class PeerLanes {

	private volatile Node node;

	private final Lane control;

	private final Map<String, Lane[]> channels;

	private final List<Lane> dialOrder;

	PeerLanes(Node node, TransportSettings settings) {
		this.node = node;
		this.control = new Lane(this, ChannelSpec.CONTROL, 0, settings, false);
		Map<String, Lane[]> byName = new LinkedHashMap<>();
		List<Lane> order = new ArrayList<>();
		order.add(this.control);
		for (ChannelSpec spec : settings.channels()) {
			Lane[] lanes = new Lane[spec.parallelism()];
			for (int i = 0; i < lanes.length; i++) {
				lanes[i] = new Lane(this, spec.name(), i, settings, spec.monotonic());
				order.add(lanes[i]);
			}
			byName.put(spec.name(), lanes);
		}
		this.channels = Collections.unmodifiableMap(byName);
		this.dialOrder = List.copyOf(order);
	}

	NodeId id() {
		return this.node.id();
	}

	Node node() {
		return this.node;
	}

	void updateAddress(Node latest) {
		this.node = latest;
	}

	Lane control() {
		return this.control;
	}

	Lane @Nullable [] lanes(String channel) {
		return this.channels.get(channel);
	}

	/**
	 * Control first, then the channels in configuration order: the order new connections
	 * are opened.
	 */
	List<Lane> dialOrder() {
		return this.dialOrder;
	}

	boolean fullyConnected() {
		for (Lane lane : this.dialOrder) {
			if (!lane.isOpen()) {
				return false;
			}
		}
		return true;
	}

	void close() {
		this.dialOrder.forEach(Lane::close);
	}

}
