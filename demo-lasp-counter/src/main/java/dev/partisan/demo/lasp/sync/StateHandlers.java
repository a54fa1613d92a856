package dev.partisan.demo.lasp.sync;

import dev.partisan.demo.lasp.core.AdUpdate;
import dev.partisan.demo.lasp.core.LaspNode;
import dev.partisan.demo.lasp.crdt.AdMap;
import dev.partisan.spring.handler.PartisanChannel;

import org.springframework.stereotype.Component;

/**
 * The two actors that receive state, on the {@code crdt} channel. Merging is all they do:
 * the lattice makes duplicates, reordering and stale states harmless, so neither needs to
 * know who sent what or whether it has seen it before.
 */
@Component
class StateHandlers {

	private final LaspNode node;

	StateHandlers(LaspNode node) {
		this.node = node;
	}

	/** A neighbour's periodic state of one ad. */
	@PartisanChannel(channel = StateSync.CHANNEL, name = StateSync.STATE)
	void state(AdUpdate update) {
		this.node.receive(update);
	}

	/** A stopping neighbour's last state, answered so that it knows it may stop. */
	@PartisanChannel(channel = StateSync.CHANNEL, name = StateSync.FLUSH)
	FlushAck flush(AdMap state) {
		this.node.receiveAll(state);
		return new FlushAck(this.node.replica().node(), state.ads().size());
	}

}
