package dev.partisan.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.DeliveryStats;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.Node;
import dev.partisan.api.PayloadView;
import dev.partisan.api.Registration;
import dev.partisan.api.RequestHandler;
import dev.partisan.delivery.AckTracker;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.delivery.Deduplicator;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.interpose.Interposition;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.AckTracking;
import dev.partisan.pipeline.Acknowledge;
import dev.partisan.pipeline.Acknowledgements;
import dev.partisan.pipeline.ByKind;
import dev.partisan.pipeline.Calls;
import dev.partisan.pipeline.CausalHold;
import dev.partisan.pipeline.CausalStamp;
import dev.partisan.pipeline.Compress;
import dev.partisan.pipeline.ControlCodec;
import dev.partisan.pipeline.ControlFrames;
import dev.partisan.pipeline.ControlIn;
import dev.partisan.pipeline.Deduplicate;
import dev.partisan.pipeline.Dispatch;
import dev.partisan.pipeline.Encode;
import dev.partisan.pipeline.Framing;
import dev.partisan.pipeline.InboundPath;
import dev.partisan.pipeline.Interposing;
import dev.partisan.pipeline.Loopback;
import dev.partisan.pipeline.Observe;
import dev.partisan.pipeline.ObserveInbound;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.pipeline.PayloadDecoding;
import dev.partisan.pipeline.Relaying;
import dev.partisan.pipeline.Replies;
import dev.partisan.pipeline.Retransmission;
import dev.partisan.pipeline.Route;
import dev.partisan.pipeline.Routes;
import dev.partisan.pipeline.Sending;
import dev.partisan.pipeline.ToTransport;
import dev.partisan.transport.Transport;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.TypeAllowList;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The node's message path: the delivery state that outlives a start (handlers,
 * acknowledgements, de-duplication, causal buffers, pending calls) and the assembly of
 * the outbound and inbound paths once the transport and the overlay exist. Each path
 * reads as its list of stages.
 */
final class MessagePaths implements AutoCloseable {

	/** The paths of a started node. */
	record Assembled(OutboundPath outbound, ControlFrames frames, Retransmission retransmission) {
	}

	private final PartisanConfig config;

	private final Node node;

	private final long incarnation;

	final PayloadCodecs codecs;

	final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	final Interposition interposition = new Interposition();

	final AckTracker acks;

	final Deduplicator dedup;

	final CausalOrder causal;

	final Replies replies = new Replies();

	final Dispatcher dispatcher;

	final Calls calls;

	final Sending sending;

	private final TypeAllowList allowList = new TypeAllowList();

	private final AtomicLong messageIds = new AtomicLong();

	private final ScheduledExecutorService delays;

	/** The time limits of calls; kept on the delays' thread. */
	final Deadlines deadlines;

	MessagePaths(PartisanConfig config, long incarnation) {
		this.config = config;
		this.allowList.allowPackages(config.allowedPackages());
		this.node = config.node();
		this.incarnation = incarnation;
		this.codecs = new PayloadCodecs(config.codecs(), this.allowList);
		this.dispatcher = new Dispatcher(this.node.name(), config.handlerThreads(), config.mailboxCapacity(),
				new PayloadDecoding(this.codecs, this.alloc, config.maxFrameSize()), this.replies);
		this.calls = new Calls(this.codecs, this.dispatcher::execute);
		this.sending = new Sending(this.messageIds, config.channels(), this.codecs, this.alloc);
		this.acks = new AckTracker(config.maxOutstandingAcks());
		this.dedup = new Deduplicator(config.dedupWindow().toNanos(), 1_000_000);
		this.causal = new CausalOrder(this.node.id(), config.mailboxCapacity());
		this.delays = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-" + this.node.name() + "-delays");
			thread.setDaemon(true);
			return thread;
		});
		this.deadlines = new Deadlines(this.delays);
	}

	/**
	 * Builds both paths around {@code transport} and {@code overlay}; frames reach the
	 * inbound one from now on.
	 */
	Assembled assemble(Transport transport, Overlay overlay, NodeListener listener, ControlLoop loop) {
		ControlCodec controlCodec = new ControlCodec(overlay.controlMessageTypes());
		ControlFrames frames = new ControlFrames(this.node.name(), controlCodec, this.messageIds::incrementAndGet,
				this.alloc);
		Routes routes = (target) -> transport.hasPeer(target) ? target : overlay.nextHop(target);
		Interposing interposing = new Interposing(this.interposition, this.node.id(), this.delays);
		int maxFrameSize = this.config.maxFrameSize();
		byte[] secret = secretBytes(this.config.clusterSecret());
		ObservationRegistry registry = this.config.observationRegistry();
		boolean observed = !registry.isNoop();
		OutboundPath outbound = new OutboundPath(
				stages(observed ? new Observe(registry, this.node.id(), overlay.name()) : null,
						new Encode(this.codecs, this.alloc),
						new Compress(this.config.channels(), this.config.compressionThreshold(), this.alloc),
						new Loopback(this.node.id(), this.dispatcher, this.calls, maxFrameSize),
						new CausalStamp(this.causal, routes, this.alloc),
						new Framing(this.node.name(), maxFrameSize, this.alloc), new AckTracking(this.acks),
						new Route(routes, this.node.name(), this.incarnation, secret, this.alloc), interposing.egress(),
						new ToTransport(transport)));
		Acknowledgements acknowledgements = new Acknowledgements(this.acks, frames, outbound);
		ObserveInbound observeInbound = observed ? new ObserveInbound(registry, overlay.name()) : null;
		InboundPath reception = new InboundPath(stages(new Deduplicate(this.dedup, acknowledgements), observeInbound,
				new CausalHold(this.causal, this.dispatcher), new Dispatch(this.dispatcher), new Acknowledge()));
		InboundPath replies = new InboundPath(stages(observeInbound, this.calls.stage()));
		InboundPath inbound = interposing.inbound(List.of(new ByKind(reception, replies, acknowledgements,
				new Relaying(this.node.id(), routes, overlay::relaysFor, secret, outbound, this.alloc),
				new ControlIn(controlCodec, loop::onControlMessage))));
		listener.bind(inbound);
		this.replies.bind(outbound);
		return new Assembled(outbound, frames,
				new Retransmission(this.acks, outbound, this.config.retransmitInterval()));
	}

	/**
	 * The stages that are there, in order: a stage that is {@code null} (observations
	 * without a registry) is left out, so that it costs nothing.
	 */
	@SafeVarargs
	private static <S> List<S> stages(@Nullable S... stages) {
		List<S> present = new ArrayList<>(stages.length);
		for (S stage : stages) {
			if (stage != null) {
				present.add(stage);
			}
		}
		return present;
	}

	/**
	 * The cluster secret as the key that signs relays, or {@code null} when there is none
	 * (an empty secret is none, as for the handshake).
	 */
	private static byte @Nullable [] secretBytes(@Nullable String secret) {
		return (secret == null || secret.isEmpty()) ? null : secret.getBytes(StandardCharsets.UTF_8);
	}

	<T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler) {
		allowListed(type);
		return this.dispatcher.register(name, type, handler);
	}

	<T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler) {
		allowListed(type);
		return this.dispatcher.registerRequestHandler(name, type, handler);
	}

	/**
	 * Adds a payload type to the object codec's allow-list (types other codecs carry need
	 * no entry).
	 */
	void allowListed(Class<?> type) {
		if (type != Object.class && type != String.class && type != byte[].class && type != ByteBuffer.class
				&& type != PayloadView.class && !type.isPrimitive()) {
			this.allowList.allow(type);
		}
	}

	/**
	 * Acknowledgement, de-duplication, monotonic and causal figures; {@code lanes} says
	 * what was superseded.
	 */
	DeliveryStats stats(List<LaneStats> lanes) {
		long superseded = lanes.stream().mapToLong(LaneStats::supersededMessages).sum();
		return new DeliveryStats(this.acks.outstanding(), this.acks.retransmits(), this.acks.acknowledged(),
				this.dedup.duplicates(), superseded, this.causal.held());
	}

	@Override
	public void close() {
		this.delays.shutdownNow();
		this.acks.clear();
		this.dispatcher.close();
		this.calls.closeAll();
	}

}
