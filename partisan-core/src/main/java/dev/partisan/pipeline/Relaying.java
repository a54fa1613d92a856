package dev.partisan.pipeline;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import dev.partisan.wire.RelayCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RELAY frame arrived: unwrap it when it is for this node (the inner frame then goes
 * through the inbound path as if its origin had sent it), else pass it on towards its
 * destination, at most {@link RelayCodec#TTL} hops and never back where it came from.
 */
public final class Relaying {

	private static final Logger logger = LoggerFactory.getLogger(Relaying.class);

	private final NodeId local;

	private final Routes routes;

	private final OutboundPath outbound;

	private final ByteBufAllocator alloc;

	public Relaying(NodeId local, Routes routes, OutboundPath outbound, ByteBufAllocator alloc) {
		this.local = local;
		this.routes = routes;
		this.outbound = outbound;
		this.alloc = alloc;
	}

	/**
	 * The unwrapped frame when the relay is for this node; {@code null} when it was
	 * passed on or dropped.
	 */
	public @Nullable InboundEnvelope receive(InboundEnvelope relay) {
		Frame frame = relay.frame();
		try {
			NodeId target = NodeId.of(frame.destination());
			ByteBuf payload = frame.payload();
			if (target.equals(this.local)) {
				Frame inner = RelayCodec.inner(payload);
				Node origin = new Node(NodeId.of(inner.sender()), "relayed", 0, null);
				Hello from = new Hello(origin, RelayCodec.originIncarnation(payload), inner.channel(), 0, 0);
				return new InboundEnvelope(from, inner, null);
			}
			if (RelayCodec.hopsLeft(payload) <= 1) {
				logger.debug("Dropped a relayed message from {} for {}: hop limit reached", relay.sender(), target);
				return null;
			}
			NodeId hop = this.routes.nextHop(target);
			if (hop == null || hop.equals(relay.sender())) {
				logger.debug("Dropped a relayed message for {}: no route", target);
				return null;
			}
			passOn(frame, hop);
			return null;
		}
		catch (PartisanException | IllegalArgumentException | IndexOutOfBoundsException ex) {
			logger.warn("Dropped a relayed message from {}: {}", relay.sender(), ex.getMessage());
			return null;
		}
		finally {
			relay.release();
		}
	}

	private void passOn(Frame relay, NodeId hop) {
		ByteBuf payload = RelayCodec.nextHop(this.alloc, relay.payload());
		int payloadSize = payload.readableBytes();
		ByteBuf frame = FrameCodec.encode(this.alloc,
				Frame.of(FrameKind.RELAY, relay.messageId(), relay.channel(), relay.sender())
					.withAddress(relay.senderIdentity(), relay.destination())
					.withPayload(payload));
		this.outbound.send(OutboundEnvelope.framed(FrameKind.RELAY, relay.messageId(), hop, frame)
			.channel(relay.channel())
			.partitionKey(relay.senderIdentity())
			.senderIdentity(relay.senderIdentity())
			.destination(relay.destination())
			.payloadSize(payloadSize));
	}

}
