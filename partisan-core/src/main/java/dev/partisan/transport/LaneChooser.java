package dev.partisan.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/**
 * Where a message goes within a transport: its channel (a channel this node does not
 * configure falls back to the default channel, said once per name), its lane (partition
 * key, affinity, round robin, or balanced placement) and, on monotonic channels, the key
 * under which a newer message supersedes a queued one. Every transport asks this one
 * class, so the TCP and the broker transports cannot drift apart.
 *
 * <p>
 * Balanced placement keeps a table of active flows per peer and channel; the transport
 * sweeps idle flows from time to time ({@link #sweep}) and forgets a peer it drops
 * ({@link #forget}).
 */
public final class LaneChooser {

	/**
	 * Where one message goes.
	 *
	 * @param channel the channel it travels on (the default channel when its own is not
	 * configured)
	 * @param lane the lane index within that channel
	 * @param supersedeKey on a monotonic channel, what identifies the messages a newer
	 * one replaces
	 */
	public record Choice(ChannelSpec channel, int lane, @Nullable String supersedeKey) {
	}

	/**
	 * Whether a lane has nothing of a peer's queued: a flow idle on it may then be placed
	 * anew.
	 */
	@FunctionalInterface
	public interface LaneOccupancy {

		boolean isEmpty(NodeId peer, String channel, int lane);

	}

	private record FlowTable(NodeId peer, String channel) {
	}

	private final Map<String, ChannelSpec> channels;

	private final ChannelSpec defaultChannel;

	private final boolean affinity;

	private final UnconfiguredChannels unconfigured;

	private final AtomicLong roundRobin = new AtomicLong();

	private final Map<FlowTable, BalancedPlacement> placements = new ConcurrentHashMap<>();

	public LaneChooser(List<ChannelSpec> channels, boolean affinity, NodeId local) {
		this.channels = channels.stream().collect(Collectors.toUnmodifiableMap(ChannelSpec::name, Function.identity()));
		ChannelSpec fallback = this.channels.get(ForwardOptions.DEFAULT_CHANNEL);
		if (fallback == null) {
			throw new IllegalArgumentException("The channels must include the default channel");
		}
		this.defaultChannel = fallback;
		this.affinity = affinity;
		this.unconfigured = new UnconfiguredChannels(local);
	}

	/**
	 * The channel spec {@code channel} travels on. The internal control channel takes the
	 * default quietly.
	 */
	public ChannelSpec channelOf(String channel) {
		ChannelSpec spec = this.channels.get(channel);
		if (spec != null) {
			return spec;
		}
		if (!ChannelSpec.CONTROL.equals(channel)) {
			this.unconfigured.fellBack(channel);
		}
		return this.defaultChannel;
	}

	/** The channel, lane and supersede key of {@code message}. */
	public Choice choose(Outgoing message) {
		ChannelSpec spec = channelOf(message.channel());
		// Lanes of a broker are shared by every destination node, so the node is part of
		// the key.
		String supersedeKey = spec.monotonic()
				? message.peer().name() + '\u0000' + message.destination() + '\u0000' + message.partitionKey() : null;
		return new Choice(spec, lane(spec, message), supersedeKey);
	}

	private int lane(ChannelSpec spec, Outgoing message) {
		if (spec.parallelism() == 1) {
			return 0;
		}
		Object key = message.partitionKey();
		if (spec.placement() == LanePlacement.BALANCED && (key != null || this.affinity)) {
			Object flow = (key != null) ? key : message.senderIdentity() + '\u0000' + message.destination();
			BalancedPlacement placement = this.placements.computeIfAbsent(new FlowTable(message.peer(), spec.name()),
					(table) -> new BalancedPlacement(spec.parallelism()));
			return placement.laneFor(flow, System.nanoTime());
		}
		return LaneSelector.select(spec.parallelism(), key, message.senderIdentity(), message.destination(),
				this.affinity, this.roundRobin.getAndIncrement());
	}

	/**
	 * Forgets the balanced flows idle for {@link BalancedPlacement#STICKINESS} whose lane
	 * is empty.
	 */
	public void sweep(long nowNanos, LaneOccupancy occupancy) {
		this.placements.forEach((table, placement) -> placement.sweep(nowNanos,
				(lane) -> occupancy.isEmpty(table.peer(), table.channel(), lane)));
	}

	/** Drops the flow tables of {@code peer} (it left the connection table). */
	public void forget(NodeId peer) {
		this.placements.keySet().removeIf((table) -> table.peer().equals(peer));
	}

	/**
	 * Active balanced flows to {@code peer} on {@code channel}, for tests and
	 * diagnostics.
	 */
	int activeFlows(NodeId peer, String channel) {
		BalancedPlacement placement = this.placements.get(new FlowTable(peer, channel));
		return (placement != null) ? placement.activeFlows() : 0;
	}

}
