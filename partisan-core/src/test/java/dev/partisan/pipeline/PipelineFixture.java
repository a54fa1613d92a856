package dev.partisan.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.delivery.AckTracker;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.delivery.Deduplicator;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.interpose.Interposition;
import dev.partisan.membership.ControlMessage;
import dev.partisan.testing.HeldTasks;
import dev.partisan.testing.InMemoryTransport;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.StringPayloadCodec;
import dev.partisan.wire.TypeAllowList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node {@code a}'s two message paths, assembled stage by stage as {@code MessagePaths}
 * assembles them, around an in-memory transport, a tracking allocator and a scheduler
 * whose delays wait for the test. The overlay is reduced to what the paths ask of it:
 * which member relays to a node the transport does not reach, and which nodes it trusts
 * to relay for others.
 */
final class PipelineFixture implements AutoCloseable {

	static final Duration PATIENCE = Duration.ofSeconds(10);

	static final NodeId A = NodeId.of("a");

	static final NodeId B = NodeId.of("b");

	static final NodeId C = NodeId.of("c");

	static final long INCARNATION = 7;

	static final int MAX_FRAME_SIZE = 4096;

	static final int COMPRESSION_THRESHOLD = 256;

	/** A channel whose payloads are deflated from the threshold up. */
	static final String BULK = "bulk";

	/** A channel whose every message is acknowledged. */
	static final String ACKED = "acked";

	/** The overlay's control message in these tests. */
	record Ping(String text) implements ControlMessage {
	}

	/** What a recording handler saw of one message. */
	record Got(String payload, PartisanMessage meta) {
	}

	/** A control message handed to the control loop, with the node it came from. */
	record ControlReceived(NodeId from, ControlMessage message) {
	}

	final TrackingAllocator alloc = new TrackingAllocator();

	final Map<String, ChannelSpec> channels = Map.of(ForwardOptions.DEFAULT_CHANNEL,
			new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, 1, false), BULK, new ChannelSpec(BULK, 1, true), ACKED,
			new ChannelSpec(ACKED, 1, false, true, false));

	final InMemoryTransport transport = new InMemoryTransport(Node.of("a", "localhost", 10100));

	/**
	 * The member that relays to a node the transport does not reach, as the overlay would
	 * say.
	 */
	final Map<NodeId, NodeId> relays = new ConcurrentHashMap<>();

	/**
	 * The nodes the overlay trusts to pass on relays for any origin (as client-server
	 * trusts its servers), for relays without a MAC.
	 */
	final Set<NodeId> relayers = ConcurrentHashMap.newKeySet();

	/** The cluster secret's bytes, or {@code null} for a cluster without one. */
	final byte @Nullable [] secret;

	final PayloadCodecs codecs = new PayloadCodecs(List.of(), new TypeAllowList());

	final Replies replies = new Replies();

	final Dispatcher dispatcher;

	final Calls calls;

	final AckTracker acks = new AckTracker(100);

	final Deduplicator dedup = new Deduplicator(TimeUnit.MINUTES.toNanos(1), 1000);

	final CausalOrder causal;

	final Interposition interposition = new Interposition();

	final HeldTasks delays = new HeldTasks();

	final AtomicLong messageIds = new AtomicLong();

	final ControlCodec controlCodec = new ControlCodec(Map.of("ping", Ping.class));

	final ControlFrames frames;

	final List<ControlReceived> controlLoop = Collections.synchronizedList(new ArrayList<>());

	final Routes routes;

	final OutboundPath outbound;

	final InboundPath inbound;

	PipelineFixture() {
		this(100);
	}

	PipelineFixture(int mailboxCapacity) {
		this(mailboxCapacity, null);
	}

	/** Node {@code a} of a cluster whose secret is {@code secret}. */
	PipelineFixture(byte @Nullable [] secret) {
		this(100, secret);
	}

	PipelineFixture(int mailboxCapacity, byte @Nullable [] secret) {
		this.secret = secret;
		// One handler thread: the workers then run what they are given in order, so the
		// tests can rely on it.
		this.dispatcher = new Dispatcher("a", 1, mailboxCapacity,
				new PayloadDecoding(this.codecs, this.alloc, MAX_FRAME_SIZE), this.replies);
		this.calls = new Calls(this.codecs, this.dispatcher::execute);
		this.causal = new CausalOrder(A, mailboxCapacity);
		this.frames = new ControlFrames(A.name(), this.controlCodec, this.messageIds::incrementAndGet, this.alloc);
		this.routes = (target) -> this.transport.hasPeer(target) ? target : this.relays.get(target);
		Interposing interposing = new Interposing(this.interposition, A, this.delays);
		this.outbound = new OutboundPath(List.of(new Encode(this.codecs, this.alloc),
				new Compress(this.channels, COMPRESSION_THRESHOLD, this.alloc),
				new Loopback(A, this.dispatcher, this.calls, MAX_FRAME_SIZE),
				new CausalStamp(this.causal, this.routes, this.alloc),
				new Framing(A.name(), MAX_FRAME_SIZE, this.alloc), new AckTracking(this.acks),
				new Route(this.routes, A.name(), INCARNATION, secret, this.alloc), interposing.egress(),
				new ToTransport(this.transport)));
		Acknowledgements acknowledgements = new Acknowledgements(this.acks, this.frames, this.outbound);
		InboundPath reception = new InboundPath(List.of(new Deduplicate(this.dedup, acknowledgements),
				new CausalHold(this.causal, this.dispatcher), new Dispatch(this.dispatcher), new Acknowledge()));
		this.inbound = new InboundPath(List.of(interposing.ingress(),
				new ByKind(reception, new InboundPath(List.of(this.calls.stage())), acknowledgements,
						new Relaying(A, this.routes, (relay, origin) -> this.relayers.contains(relay), secret,
								this.outbound, this.alloc),
						new ControlIn(this.controlCodec,
								(from, message) -> this.controlLoop.add(new ControlReceived(from, message))))));
		this.replies.bind(this.outbound);
	}

	/**
	 * Registers a handler of text messages named {@code name} that records what it gets.
	 */
	List<Got> recordingHandler(String name) {
		List<Got> got = Collections.synchronizedList(new ArrayList<>());
		this.dispatcher.register(name, String.class, (payload, meta) -> got.add(new Got(payload, meta)));
		return got;
	}

	/**
	 * Waits (within a bound) until {@code got} holds {@code count} messages, and returns
	 * their payloads.
	 */
	static List<String> awaitPayloads(List<Got> got, int count) {
		await().atMost(PATIENCE).until(() -> got.size() >= count);
		synchronized (got) {
			return got.stream().map(Got::payload).toList();
		}
	}

	/** A text payload in a buffer of the tracking allocator. */
	ByteBuf text(String value) {
		return ByteBufUtil.writeUtf8(this.alloc, value);
	}

	/**
	 * A DATA frame of text from {@code from} for handler {@code destination}, as its
	 * sender would write it.
	 */
	Frame data(NodeId from, long id, String destination, String payload, int flags) {
		return data(from, id, destination, text(payload), flags);
	}

	Frame data(NodeId from, long id, String destination, ByteBuf payload, int flags) {
		return Frame.of(FrameKind.DATA, id, ForwardOptions.DEFAULT_CHANNEL, from.name())
			.withFlags(flags)
			.withAddress("actor", destination)
			.withCodec(StringPayloadCodec.ID, "")
			.withPayload(payload);
	}

	/**
	 * {@code frame} as it arrives from {@code from}: encoded, then decoded as the
	 * transport's reader does.
	 */
	InboundEnvelope arriving(NodeId from, Frame frame) {
		return arriving(from, INCARNATION, frame);
	}

	InboundEnvelope arriving(NodeId from, long incarnation, Frame frame) {
		return arriving(from, incarnation, FrameCodec.encode(this.alloc, frame));
	}

	/**
	 * A complete encoded frame (length prefix included) as it arrives from {@code from};
	 * it is released.
	 */
	InboundEnvelope arriving(NodeId from, long incarnation, ByteBuf wire) {
		try {
			Frame decoded = FrameCodec.decode(wire.slice(wire.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE,
					wire.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE));
			Hello hello = new Hello(new Node(from, "localhost", 10200, null), incarnation, decoded.channel(), 0, 0);
			return new InboundEnvelope(hello, decoded, null);
		}
		finally {
			wire.release();
		}
	}

	/**
	 * A RELAY frame for {@code target} around {@code inner}, with {@code hops} left, as
	 * the inner frame's sender wraps it: signed when the cluster has a secret.
	 */
	Frame relay(NodeId target, int hops, Frame inner) {
		ByteBuf payload = RelayCodec.wrap(this.alloc, INCARNATION, FrameCodec.encode(this.alloc, inner), this.secret,
				target.name());
		payload.setByte(payload.readerIndex(), hops);
		return Frame.of(FrameKind.RELAY, inner.messageId(), inner.channel(), inner.sender())
			.withAddress(inner.senderIdentity(), target.name())
			.withPayload(payload);
	}

	/** Frames at the transport of {@code kind}, in the order they were handed to it. */
	List<InMemoryTransport.Sent> sent(FrameKind kind) {
		return this.transport.sent().stream().filter((sent) -> sent.kind() == kind).toList();
	}

	/**
	 * Every buffer the paths and the test allocated has been released (handlers finish on
	 * their worker).
	 */
	void assertNothingLeaked() {
		await().atMost(PATIENCE).until(() -> this.alloc.unreleased().isEmpty());
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	static String utf8(ByteBuf buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.acks.clear();
		this.calls.closeAll();
		this.dispatcher.close();
		this.delays.shutdownNow();
	}

}
