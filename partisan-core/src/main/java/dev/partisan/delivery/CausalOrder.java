package dev.partisan.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.partisan.api.NodeId;
import dev.partisan.wire.ShortStrings;
import io.netty.buffer.ByteBuf;

/**
 * Causal delivery of point-to-point messages per label, with the matrix clocks of Raynal,
 * Schiper and Toueg: a message carries what its sender knew of every message sent between
 * any two nodes (with that label), and its receiver holds it back until every message
 * sent to it that causally precedes it has been delivered. A vector clock alone is not
 * enough here, because a message a sender sent elsewhere would wait forever. The buffer
 * of held-back messages is bounded per label and counted.
 */
public final class CausalOrder {

	/** A held-back message and what to do when it may be delivered. */
	private record Held(NodeId sender, Map<String, Long> stamp, Runnable deliver) {
	}

	/**
	 * One label's state: delivered counts per sender, known sent counts per (from, to),
	 * held messages.
	 */
	private static final class Label {

		final Map<NodeId, Long> delivered = new HashMap<>();

		final Map<String, Long> sent = new HashMap<>();

		final List<Held> held = new ArrayList<>();

	}

	private final NodeId self;

	private final int maxHeldPerLabel;

	private final Map<String, Label> labels = new ConcurrentHashMap<>();

	public CausalOrder(NodeId self, int maxHeldPerLabel) {
		this.self = self;
		this.maxHeldPerLabel = maxHeldPerLabel;
	}

	/**
	 * Writes the causal header of a message from this node to {@code to} under
	 * {@code label} (its stamp is what this node knows before sending it) and counts the
	 * message as sent.
	 */
	public void stamp(String label, NodeId to, ByteBuf out) {
		Label state = this.labels.computeIfAbsent(label, (l) -> new Label());
		synchronized (state) {
			ShortStrings.write(out, label);
			out.writeShort(state.sent.size());
			state.sent.forEach((edge, count) -> {
				ShortStrings.write(out, edge);
				out.writeLong(count);
			});
			state.sent.merge(edge(this.self, to), 1L, Long::sum);
		}
	}

	/** The label and stamp a causal header carries; reads past it. */
	public record Header(String label, Map<String, Long> stamp) {
	}

	/**
	 * Reads a causal header.
	 * @throws IndexOutOfBoundsException when the header is cut short
	 * @throws IllegalArgumentException when a stamp entry is not a count of messages
	 * between two nodes
	 */
	public static Header readHeader(ByteBuf in) {
		String label = ShortStrings.read(in);
		int entries = in.readUnsignedShort();
		Map<String, Long> stamp = new HashMap<>();
		for (int i = 0; i < entries; i++) {
			String edge = ShortStrings.read(in);
			long count = in.readLong();
			checkEntry(edge, count);
			stamp.put(edge, count);
		}
		return new Header(label, stamp);
	}

	/**
	 * Refuses what {@link #offer} could not use: an entry must name a sender and a
	 * receiver, or delivery would fail on it, and it would be passed on in this node's
	 * own stamps to other nodes.
	 */
	private static void checkEntry(String edge, long count) {
		int arrow = edge.indexOf('>');
		if (arrow < 0 || count < 0) {
			throw new IllegalArgumentException("Malformed causal stamp entry '" + edge + "' = " + count);
		}
		NodeId.of(edge.substring(0, arrow));
		NodeId.of(edge.substring(arrow + 1));
	}

	/**
	 * Offers a received message. It is delivered now (by running {@code deliver}) if its
	 * causal predecessors have been, else held until they are; held messages that become
	 * deliverable are delivered in turn.
	 * @return false when the label's buffer is full and the message was not taken
	 */
	public boolean offer(NodeId sender, Header header, Runnable deliver) {
		Label state = this.labels.computeIfAbsent(header.label(), (l) -> new Label());
		List<Runnable> ready = new ArrayList<>();
		synchronized (state) {
			if (!deliverable(state, header.stamp())) {
				if (state.held.size() >= this.maxHeldPerLabel) {
					return false;
				}
				state.held.add(new Held(sender, header.stamp(), deliver));
				return true;
			}
			apply(state, sender, header.stamp());
			ready.add(deliver);
			boolean progress = true;
			while (progress) {
				progress = false;
				for (Iterator<Held> it = state.held.iterator(); it.hasNext();) {
					Held next = it.next();
					if (deliverable(state, next.stamp)) {
						it.remove();
						apply(state, next.sender, next.stamp);
						ready.add(next.deliver);
						progress = true;
					}
				}
			}
			// Delivering inside the lock keeps the order in which deliveries were
			// decided.
			ready.forEach(Runnable::run);
		}
		return true;
	}

	/** Messages held back, over all labels. */
	public int held() {
		int total = 0;
		for (Label state : this.labels.values()) {
			synchronized (state) {
				total += state.held.size();
			}
		}
		return total;
	}

	private boolean deliverable(Label state, Map<String, Long> stamp) {
		for (Map.Entry<String, Long> entry : stamp.entrySet()) {
			String edge = entry.getKey();
			int arrow = edge.indexOf('>');
			if (edge.substring(arrow + 1).equals(this.self.name())) {
				NodeId from = NodeId.of(edge.substring(0, arrow));
				if (state.delivered.getOrDefault(from, 0L) < entry.getValue()) {
					return false;
				}
			}
		}
		return true;
	}

	private void apply(Label state, NodeId sender, Map<String, Long> stamp) {
		state.delivered.merge(sender, 1L, Long::sum);
		stamp.forEach((edge, count) -> state.sent.merge(edge, count, Math::max));
		String own = edge(sender, this.self);
		state.sent.merge(own, stamp.getOrDefault(own, 0L) + 1, Math::max);
	}

	private static String edge(NodeId from, NodeId to) {
		return from.name() + ">" + to.name();
	}

}
