package dev.partisan.spring.boot.actuate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Partisan's meters, all declared here. Per lane, tagged {@code peer}, {@code channel},
 * {@code lane}:
 * <ul>
 * <li>{@code partisan.lane.connected} (gauge, 1 or 0)</li>
 * <li>{@code partisan.lane.queue.messages}, {@code partisan.lane.queue.bytes} (gauges:
 * outbound queue depth)</li>
 * <li>{@code partisan.lane.sent.messages}, {@code partisan.lane.sent.bytes},
 * {@code partisan.lane.received.messages}, {@code partisan.lane.received.bytes},
 * {@code partisan.lane.dropped}, {@code partisan.lane.superseded} (counters)</li>
 * </ul>
 * and {@code partisan.members} (gauge: up members, this node included). Lanes appear as
 * peers are connected; meters of a peer that is gone read 0. Values come from one
 * connection-table snapshot taken at most every 500 ms.
 */
public class PartisanMeters implements MeterBinder {

	private static final long SNAPSHOT_NANOS = 500_000_000L;

	private final Partisan partisan;

	private final Set<String> registered = ConcurrentHashMap.newKeySet();

	private volatile Map<String, LaneStats> snapshot = Map.of();

	private volatile long snapshotAt;

	private @Nullable MeterRegistry registry;

	public PartisanMeters(Partisan partisan) {
		this.partisan = partisan;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("partisan.members", this.partisan, (p) -> p.members().size())
			.description("Up members, this node included")
			.register(registry);
		this.partisan.addMembershipListener(new MembershipListener() {
			@Override
			public void memberUp(Node node) {
				refresh();
			}
		});
		refresh();
	}

	/** Registers meters for lanes that appeared since the last call. */
	public void refresh() {
		MeterRegistry target = this.registry;
		if (target == null) {
			return;
		}
		for (LaneStats row : rows()) {
			String key = key(row);
			if (this.registered.add(key)) {
				register(target, key, row);
			}
		}
	}

	private void register(MeterRegistry target, String key, LaneStats row) {
		Tags tags = Tags.of("peer", row.peer().name(), "channel", row.channel(), "lane", String.valueOf(row.lane()));
		gauge(target, "partisan.lane.connected", "Whether the lane's outbound connection is open", tags, key,
				(s) -> s.connected() ? 1 : 0);
		gauge(target, "partisan.lane.queue.messages", "Messages waiting in the lane's outbound queue", tags, key,
				LaneStats::queuedMessages);
		gauge(target, "partisan.lane.queue.bytes", "Bytes waiting in the lane's outbound queue", tags, key,
				LaneStats::queuedBytes);
		counter(target, "partisan.lane.sent.messages", "Messages written to the lane", tags, key,
				LaneStats::sentMessages);
		counter(target, "partisan.lane.sent.bytes", "Bytes written to the lane", tags, key, LaneStats::sentBytes);
		counter(target, "partisan.lane.received.messages", "Messages received on the lane", tags, key,
				LaneStats::receivedMessages);
		counter(target, "partisan.lane.received.bytes", "Bytes received on the lane", tags, key,
				LaneStats::receivedBytes);
		counter(target, "partisan.lane.dropped", "Messages refused by a full queue or lost with a closed lane", tags,
				key, LaneStats::droppedMessages);
		counter(target, "partisan.lane.superseded", "Queued messages of a monotonic channel replaced by newer ones",
				tags, key, LaneStats::supersededMessages);
	}

	private void gauge(MeterRegistry target, String name, String description, Tags tags, String key,
			ToDoubleFunction<LaneStats> value) {
		Gauge.builder(name, this, (meters) -> meters.read(key, value))
			.description(description)
			.tags(tags)
			.register(target);
	}

	private void counter(MeterRegistry target, String name, String description, Tags tags, String key,
			ToDoubleFunction<LaneStats> value) {
		FunctionCounter.builder(name, this, (meters) -> meters.read(key, value))
			.description(description)
			.tags(tags)
			.register(target);
	}

	private double read(String key, ToDoubleFunction<LaneStats> value) {
		LaneStats row = current().get(key);
		return (row != null) ? value.applyAsDouble(row) : 0;
	}

	private Map<String, LaneStats> current() {
		long now = System.nanoTime();
		if (now - this.snapshotAt > SNAPSHOT_NANOS) {
			Map<String, LaneStats> next = new HashMap<>();
			for (LaneStats row : rows()) {
				next.put(key(row), row);
			}
			this.snapshot = next;
			this.snapshotAt = now;
		}
		return this.snapshot;
	}

	private List<LaneStats> rows() {
		return this.partisan.connectionTable();
	}

	private static String key(LaneStats row) {
		return row.peer().name() + "/" + row.channel() + "/" + row.lane();
	}

}
