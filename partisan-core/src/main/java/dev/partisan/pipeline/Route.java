package dev.partisan.pipeline;

import dev.partisan.api.NodeId;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Sends a frame straight to its target when the transport reaches it, else wraps it in a
 * RELAY frame for the member that can pass it on, signed with the cluster secret when
 * there is one (see {@link Relaying} for how the receiver believes its origin). A relay
 * being passed on is already addressed to its next hop.
 */
public final class Route implements OutboundStage {

	private final Routes routes;

	private final String sender;

	private final long incarnation;

	private final byte @Nullable [] secret;

	private final ByteBufAllocator alloc;

	/**
	 * @param secret the cluster secret's bytes, which sign every relay this node wraps,
	 * or {@code null} when the cluster has none
	 */
	public Route(Routes routes, String sender, long incarnation, byte @Nullable [] secret, ByteBufAllocator alloc) {
		this.routes = routes;
		this.sender = sender;
		this.incarnation = incarnation;
		this.secret = (secret != null) ? secret.clone() : null;
		this.alloc = alloc;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		if (envelope.kind() == FrameKind.RELAY) {
			return true;
		}
		NodeId target = envelope.target();
		NodeId hop = this.routes.nextHop(target);
		if (hop == null) {
			throw new UnknownNodeException(target);
		}
		if (!hop.equals(target)) {
			ByteBuf payload = RelayCodec.wrap(this.alloc, this.incarnation, envelope.takeFrame(), this.secret,
					target.name());
			int payloadSize = payload.readableBytes();
			Frame relay = Frame.of(FrameKind.RELAY, envelope.id(), envelope.channel(), this.sender)
				.withAddress(envelope.senderIdentity(), target.name())
				.withPayload(payload);
			envelope.relayVia(hop, FrameCodec.encode(this.alloc, relay), payloadSize);
		}
		return true;
	}

}
