package dev.partisan.spring.boot.actuate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.partisan.api.LaneStats;
import dev.partisan.api.Partisan;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/partisanchannels}: the connection table, per peer, channel and lane:
 * connected or not, outbound queue depth in messages and bytes, messages and bytes sent
 * and received, drops. {@code /actuator/partisanchannels/{peer}} narrows it to one peer.
 */
@Endpoint(id = "partisanchannels")
public class PartisanChannelsEndpoint {

	private final Partisan partisan;

	public PartisanChannelsEndpoint(Partisan partisan) {
		this.partisan = partisan;
	}

	@ReadOperation
	public Map<String, Map<String, List<LaneDescriptor>>> peers() {
		return table(null);
	}

	@ReadOperation
	public @Nullable Map<String, List<LaneDescriptor>> peer(@Selector String peer) {
		return table(peer).get(peer);
	}

	private Map<String, Map<String, List<LaneDescriptor>>> table(@Nullable String onlyPeer) {
		List<LaneStats> rows = new ArrayList<>(this.partisan.connectionTable());
		rows.sort(Comparator.comparing((LaneStats r) -> r.peer().name())
			.thenComparing(LaneStats::channel)
			.thenComparingInt(LaneStats::lane));
		Map<String, Map<String, List<LaneDescriptor>>> peers = new TreeMap<>();
		for (LaneStats row : rows) {
			if (onlyPeer != null && !onlyPeer.equals(row.peer().name())) {
				continue;
			}
			peers.computeIfAbsent(row.peer().name(), (p) -> new LinkedHashMap<>())
				.computeIfAbsent(row.channel(), (c) -> new ArrayList<>())
				.add(new LaneDescriptor(row.lane(), row.connected(), row.queuedMessages(), row.queuedBytes(),
						row.sentMessages(), row.sentBytes(), row.receivedMessages(), row.receivedBytes(),
						row.droppedMessages(), row.supersededMessages()));
		}
		return peers;
	}

	/** One lane of a channel to a peer; see {@link LaneStats} for each figure. */
	public record LaneDescriptor(int lane, boolean connected, long queuedMessages, long queuedBytes, long sentMessages,
			long sentBytes, long receivedMessages, long receivedBytes, long droppedMessages, long supersededMessages) {
	}

}
