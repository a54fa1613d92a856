package dev.partisan.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.LogText;
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
 *
 * <p>
 * A relay says which node it comes from (its origin: the relay frame's sender, which must
 * be its inner frame's sender too), and that claim is checked before the relay is
 * unwrapped or passed on, in one of two modes:
 * <ul>
 * <li><b>With a cluster secret</b>, the origin signs the relay (see {@link RelayCodec}):
 * a relay whose MAC is missing or wrong is dropped, at every hop.</li>
 * <li><b>Without one</b>, the node believes the hop it heard the relay from: the
 * connection's node must be the origin itself, or a node the overlay says relays for it
 * ({@link Relayers}: a server for the clients in client-server). So a server vouches only
 * for what its own connections claim, and a client cannot speak as a server.</li>
 * </ul>
 * A refused relay is dropped and logged at WARN, once a minute per sending connection at
 * most.
 */
public final class Relaying {

	private static final Logger logger = LoggerFactory.getLogger(Relaying.class);

	private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	/** Connections whose last warning is remembered; beyond it the memory is cleared. */
	private static final int MAX_WARNED = 1024;

	private final NodeId local;

	private final Routes routes;

	private final Relayers relayers;

	private final byte @Nullable [] secret;

	private final OutboundPath outbound;

	private final ByteBufAllocator alloc;

	private final Map<NodeId, Long> lastWarned = new ConcurrentHashMap<>();

	/**
	 * @param secret the cluster secret's bytes, which every relay must be signed with, or
	 * {@code null} when the cluster has none and {@code relayers} says whom to believe
	 */
	public Relaying(NodeId local, Routes routes, Relayers relayers, byte @Nullable [] secret, OutboundPath outbound,
			ByteBufAllocator alloc) {
		this.local = local;
		this.routes = routes;
		this.relayers = relayers;
		this.secret = (secret != null) ? secret.clone() : null;
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
			Frame inner = RelayCodec.inner(payload);
			boolean handedOn = false;
			try {
				String refusal = refusal(relay, inner);
				if (refusal != null) {
					warn(relay.sender(), "Dropped a relayed message from {} claiming to come from {}: {}",
							relay.sender(), frame.sender(), refusal);
					return null;
				}
				if (target.equals(this.local)) {
					Node origin = new Node(NodeId.of(inner.sender()), "relayed", 0, null);
					Hello from = new Hello(origin, RelayCodec.originIncarnation(payload), inner.channel(), 0, 0);
					InboundEnvelope unwrapped = new InboundEnvelope(from, inner, null);
					handedOn = true;
					return unwrapped;
				}
			}
			finally {
				// Whatever fails after the inner frame was read (a bad origin name, say)
				// must not
				// keep its buffer.
				if (!handedOn) {
					inner.release();
				}
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
			warn(relay.sender(), "Dropped a relayed message from {}: {}", relay.sender(),
					LogText.escape(ex.getMessage()));
			return null;
		}
		finally {
			relay.release();
		}
	}

	/**
	 * Why the relay's claimed origin is not believed, or {@code null} when it is: see the
	 * class comment.
	 */
	private @Nullable String refusal(InboundEnvelope relay, Frame inner) {
		Frame frame = relay.frame();
		if (!inner.sender().equals(frame.sender())) {
			return "its inner frame names " + inner.sender() + " as its sender";
		}
		if (inner.kind() == FrameKind.RELAY) {
			// Route never wraps a relay; one inside another would be checked against the
			// outer origin as if that were its connection.
			return "it wraps another relay";
		}
		byte[] key = this.secret;
		if (key != null) {
			return RelayCodec.signedFor(frame.payload(), key, frame.destination()) ? null
					: "its MAC is missing or wrong";
		}
		NodeId origin = NodeId.of(frame.sender());
		NodeId hop = relay.sender();
		if (origin.equals(hop) || this.relayers.relaysFor(hop, origin)) {
			return null;
		}
		return hop + " is neither the origin nor a node that relays for it";
	}

	private void warn(NodeId connection, String format, Object... args) {
		long now = System.nanoTime();
		Long last = this.lastWarned.get(connection);
		if (last != null && now - last < WARN_INTERVAL_NANOS) {
			logger.debug(format, args);
			return;
		}
		if (this.lastWarned.size() >= MAX_WARNED) {
			this.lastWarned.clear();
		}
		this.lastWarned.put(connection, now);
		logger.warn(format, args);
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
