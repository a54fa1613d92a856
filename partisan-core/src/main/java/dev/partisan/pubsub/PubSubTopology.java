package dev.partisan.pubsub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

import dev.partisan.transport.ChannelSpec;

/**
 * The exchanges and queues of one node on the broker, and the names that route to them.
 *
 * <ul>
 * <li>{@code <prefix>.membership}: a fanout exchange; every node's membership queue is
 * bound to it, so an announcement reaches every node.</li>
 * <li>{@code <prefix>.direct}: a direct exchange; a message for node {@code n} on channel
 * {@code c} and lane {@code l} is published with routing key {@code n/c/l}.</li>
 * <li>{@code <prefix>.<node>.<channel>.<lane>}: one queue per channel lane of a node,
 * consumed by exactly one consumer, so the broker's per-queue FIFO becomes the lane's
 * FIFO.</li>
 * </ul>
 *
 * <p>
 * Queues are named after the node, not server-named, so a node restarted within
 * {@link PubSubSettings#queueExpiry()} finds what was sent to it meanwhile. They are
 * neither durable nor auto-deleted: a queue expires ({@code x-expires}) once it has had
 * no consumer for the grace period, so a node that never returns leaves nothing behind,
 * and is capped ({@code x-max-length}) so it cannot fill the broker meanwhile. Exchanges
 * are durable and shared by the cluster.
 */
final class PubSubTopology {

	private final PubSubSettings settings;

	private final String node;

	private final List<ChannelSpec> channels;

	PubSubTopology(PubSubSettings settings, String node, List<ChannelSpec> channels) {
		this.settings = settings;
		this.node = node;
		List<ChannelSpec> all = new ArrayList<>(channels);
		all.add(0, new ChannelSpec(ChannelSpec.CONTROL, 1, false));
		this.channels = List.copyOf(all);
	}

	String membershipExchange() {
		return this.settings.exchangePrefix() + ".membership";
	}

	String directExchange() {
		return this.settings.exchangePrefix() + ".direct";
	}

	String membershipQueue() {
		return this.settings.exchangePrefix() + "." + this.node + ".membership";
	}

	/**
	 * The routing key of a node's lane; the binding of its queue uses the same string.
	 */
	static String routingKey(String node, String channel, int lane) {
		return node + "/" + channel + "/" + lane;
	}

	String laneQueue(String channel, int lane) {
		return this.settings.exchangePrefix() + "." + this.node + "." + channel + "." + lane;
	}

	/** The channels this node consumes, the control channel first. */
	List<ChannelSpec> channels() {
		return this.channels;
	}

	/** Every queue this node consumes from. */
	List<String> queues() {
		List<String> queues = new ArrayList<>();
		queues.add(membershipQueue());
		for (ChannelSpec spec : this.channels) {
			for (int lane = 0; lane < spec.parallelism(); lane++) {
				queues.add(laneQueue(spec.name(), lane));
			}
		}
		return queues;
	}

	/**
	 * Declares everything (idempotent: the broker accepts a declaration equal to an
	 * existing one).
	 */
	void declare(Channel channel) throws IOException {
		channel.exchangeDeclare(membershipExchange(), BuiltinExchangeType.FANOUT, true, false, null);
		channel.exchangeDeclare(directExchange(), BuiltinExchangeType.DIRECT, true, false, null);
		Map<String, Object> arguments = Map.of("x-expires", (int) this.settings.queueExpiry().toMillis(),
				"x-max-length", this.settings.maxQueueLength());
		channel.queueDeclare(membershipQueue(), false, false, false, arguments);
		channel.queueBind(membershipQueue(), membershipExchange(), "");
		for (ChannelSpec spec : this.channels) {
			for (int lane = 0; lane < spec.parallelism(); lane++) {
				String queue = laneQueue(spec.name(), lane);
				channel.queueDeclare(queue, false, false, false, arguments);
				channel.queueBind(queue, directExchange(), routingKey(this.node, spec.name(), lane));
			}
		}
	}

}
