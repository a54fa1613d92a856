package dev.partisan.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.LanePlacement;
import dev.partisan.transport.LaneSelector;

/**
 * A Partisan node in its own JVM, as receiver or sender. Both have the same channels:
 * {@code default}, {@code gossip} (1 lane), and {@code p1}, {@code p4}, {@code p8},
 * {@code p16} with that many lanes (and {@code b1}…{@code b16}, the same with balanced
 * placement), so one pair of processes serves every configuration of a run.
 *
 * <p>
 * Receiver: {@code receiver <host> <port>}, prints {@code READY}. Sender:
 * {@code sender <host> <port> <receiver name@host:port> <cases json>}, prints one
 * {@code RESULT} line per case. Driven sender of the timed families ({@link Driven}):
 * {@code driven <host> <port> <receiver name@host:port> <receiver pid>}.
 */
public final class PartisanPeer {

	static final List<Integer> LANE_CHOICES = List.of(1, 4, 8, 16);

	private PartisanPeer() {
	}

	public static void main(String[] args) throws Exception {
		String role = args[0];
		PartisanNode node = PartisanNode.create(config(role, args[1], Integer.parseInt(args[2]))).start();
		try {
			if (role.equals("receiver")) {
				receive(node);
				Protocol.ready();
				Protocol.awaitStdinClosed();
			}
			else if (role.equals("driven")) {
				drive(node, Node.parse(args[3]), Long.parseLong(args[4]));
			}
			else {
				Node receiver = Node.parse(args[3]);
				List<BenchCase> cases = Protocol.readCases(args[4]);
				send(node, receiver, cases);
			}
		}
		finally {
			node.close();
		}
	}

	static PartisanConfig config(String name, String host, int port) {
		PartisanConfig.Builder builder = PartisanConfig.builder(name)
			.host(host)
			.port(port)
			.channel("gossip", 1)
			.maxQueued(1_000_000, 2L * 1024 * 1024 * 1024)
			.connectionRefresh(java.time.Duration.ofMillis(20), 8);
		for (int lanes : LANE_CHOICES) {
			builder.channel("p" + lanes, lanes);
			// The same lanes with balanced placement, for the "balanced" configuration.
			builder.channel(new ChannelSpec("b" + lanes, lanes, false, false, false, LanePlacement.BALANCED));
		}
		return builder.build();
	}

	private static void receive(PartisanNode node) {
		for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
			String ackName = "ack-" + i;
			node.register("sink-" + i, byte[].class, (payload, meta) -> node.forward(meta.sender(), ackName,
					RequestAckLoop.header(payload), ForwardOptions.channel(meta.channel())));
		}
		node.register("bulk-sink", byte[].class, (payload, meta) -> node.forward(meta.sender(), "bulk-ack",
				RequestAckLoop.header(payload), ForwardOptions.channel(meta.channel())));
		// One-way: each sender's stream counts, and reports its count back every so
		// often.
		for (int i = 0; i < Driven.MAX_ONE_WAY_SENDERS; i++) {
			String progress = "progress-" + i;
			AtomicLong handled = new AtomicLong();
			node.register("stream-" + i, byte[].class, (payload, meta) -> {
				long count = handled.incrementAndGet();
				if (count % Driven.REPORT_EVERY == 0) {
					node.forward(meta.sender(), progress, ByteBuffer.allocate(8).putLong(count).array(),
							ForwardOptions.channel(meta.channel()));
				}
			});
		}
		// Ping-pong: a reply by forward, and a reply to a call.
		node.register("ping", byte[].class, (payload, meta) -> node.forward(meta.sender(), "pong", payload,
				ForwardOptions.channel(meta.channel())));
		node.registerRequestHandler("echo", byte[].class, (payload, meta) -> payload);
	}

	/**
	 * The driven sender of the timed families: request/acknowledgement on {@code p
	 *
	<P>
	 * } (as the micro family's configurations), one-way streams on {@code p<N>} with each
	 * sender on its own lane, ping-pong on {@code p1} by forward (the reply is a forward
	 * back) or by call.
	 */
	private static void drive(PartisanNode node, Node receiver, long receiverPid) throws Exception {
		RequestAckLoop loop = new RequestAckLoop();
		for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
			node.register("ack-" + i, byte[].class, (header, meta) -> loop.ack(header));
		}
		AtomicLongArray reported = new AtomicLongArray(Driven.MAX_ONE_WAY_SENDERS);
		for (int i = 0; i < Driven.MAX_ONE_WAY_SENDERS; i++) {
			int sender = i;
			node.register("progress-" + i, byte[].class,
					(count, meta) -> reported.accumulateAndGet(sender, ByteBuffer.wrap(count).getLong(), Math::max));
		}
		BlockingQueue<byte[]> pongs = new ArrayBlockingQueue<>(1);
		node.register("pong", byte[].class, (payload, meta) -> pongs.offer(payload));
		node.syncJoin(receiver).get(60, TimeUnit.SECONDS);
		NodeId to = receiver.id();
		Driven.serve(receiverPid, loop, new Driven.Driver() {

			@Override
			public Driven.RequestAck requestAck(Driven.Task task, RequestAckLoop acks) {
				if (task.config().equals("parallel")) {
					return (sender, payload) -> node.forward(to, "sink-" + sender, payload,
							microOptions(task.config(), task.lanes(), sender));
				}
				ForwardOptions[] options = new ForwardOptions[task.senders()];
				for (int i = 0; i < options.length; i++) {
					options[i] = microOptions(task.config(), task.lanes(), i);
				}
				return (sender, payload) -> node.forward(to, "sink-" + sender, payload, options[sender]);
			}

			@Override
			public Driven.OneWay oneWay(Driven.Task task) {
				int[] keys = laneKeys(task.lanes());
				ForwardOptions[] options = new ForwardOptions[task.senders()];
				for (int i = 0; i < options.length; i++) {
					options[i] = ForwardOptions.channel("p" + task.lanes()).partitionKey(keys[i % keys.length]);
				}
				return new Driven.OneWay() {

					@Override
					public void send(int sender, byte[] payload) {
						node.forward(to, "stream-" + sender, payload, options[sender]);
					}

					@Override
					public long handled(int sender) {
						return reported.get(sender);
					}

				};
			}

			@Override
			public Driven.RoundTrip roundTrip(Driven.Task task) {
				ForwardOptions options = ForwardOptions.channel("p1");
				Duration timeout = Duration.ofSeconds(RequestAckLoop.ACK_TIMEOUT_SECONDS);
				pongs.clear();
				if (task.config().equals("partisan-call")) {
					return (payload) -> node.call(to, "echo", payload, byte[].class, options, timeout)
						.get(RequestAckLoop.ACK_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
				}
				return (payload) -> {
					node.forward(to, "ping", payload, options);
					if (pongs.poll(RequestAckLoop.ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS) == null) {
						throw new IllegalStateException("no pong within " + RequestAckLoop.ACK_TIMEOUT_SECONDS + " s");
					}
				};
			}

		});
	}

	private static void send(PartisanNode node, Node receiver, List<BenchCase> cases) throws Exception {
		RequestAckLoop loop = new RequestAckLoop();
		for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
			node.register("ack-" + i, byte[].class, (header, meta) -> loop.ack(header));
		}
		RequestAckLoop background = new RequestAckLoop();
		node.register("bulk-ack", byte[].class, (header, meta) -> background.ack(header));
		node.syncJoin(receiver).get(60, java.util.concurrent.TimeUnit.SECONDS);
		NodeId to = receiver.id();
		int warmup = Integer.getInteger("bench.warmup", 0);
		if (warmup > 0) {
			// JIT-compile the send and receive paths before anything is measured.
			for (String channel : List.of("p1", "p4", "default")) {
				loop.run(4, warmup, 256 * 1024, (sender, payload) -> node.forward(to, "sink-" + sender, payload,
						ForwardOptions.channel(channel).sender("warmup-" + sender)));
			}
		}
		for (BenchCase c : cases) {
			Protocol.progress(c);
			CaseResult result = switch (c.experiment()) {
				case "micro" -> RequestAckLoop.toResult(c, loop.run(c.senders(), c.messages(), c.size(),
						(sender, payload) -> node.forward(to, "sink-" + sender, payload, microOptions(c, sender))));
				case "isolation", "hol" -> withBackground(node, to, c, loop, background);
				default -> CaseResult.failed(c, "unknown experiment " + c.experiment());
			};
			Protocol.result(result);
		}
	}

	private static ForwardOptions microOptions(BenchCase c, int sender) {
		return microOptions(c.config(), c.lanes(), sender);
	}

	private static ForwardOptions microOptions(String config, int lanes, int sender) {
		ForwardOptions channel = ForwardOptions.channel("p" + lanes);
		return switch (config) {
			case "parallel" -> channel.partitionKey(ThreadLocalRandom.current().nextLong());
			case "affinity", "baseline" -> channel.sender("sender-" + sender);
			case "balanced" -> ForwardOptions.channel("b" + lanes).sender("sender-" + sender);
			default -> throw new IllegalArgumentException("unknown micro config " + config);
		};
	}

	/**
	 * Measured small request/acknowledgement traffic while one background sender pushes
	 * large messages (each waiting for its own acknowledgement). Isolation: background on
	 * {@code default} (shared) or on {@code gossip} (own channel). Head of line: both on
	 * one channel, one lane or two lanes by key.
	 */
	private static CaseResult withBackground(PartisanNode node, NodeId to, BenchCase c, RequestAckLoop loop,
			RequestAckLoop background) throws InterruptedException {
		ForwardOptions foreground;
		ForwardOptions bulk;
		switch (c.config()) {
			case "shared-channel" -> {
				foreground = ForwardOptions.channel("default");
				bulk = ForwardOptions.channel("default");
			}
			case "own-channel" -> {
				foreground = ForwardOptions.channel("default");
				bulk = ForwardOptions.channel("gossip");
			}
			case "one-lane", "lanes" -> {
				String channel = "p" + c.lanes();
				int[] keys = distinctLaneKeys(c.lanes());
				foreground = ForwardOptions.channel(channel).partitionKey(keys[0]);
				bulk = ForwardOptions.channel(channel).partitionKey(keys[1]);
			}
			default -> {
				return CaseResult.failed(c, "unknown config " + c.config());
			}
		}
		AtomicBoolean running = new AtomicBoolean(true);
		Thread pusher = new Thread(() -> {
			try {
				while (running.get()) {
					background.run(1, 1, c.backgroundSize(),
							(s, payload) -> node.forward(to, "bulk-sink", payload, bulk));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "bench-background");
		pusher.setDaemon(true);
		pusher.start();
		Thread.sleep(200);
		try {
			return RequestAckLoop.toResult(c, loop.run(c.senders(), c.messages(), c.size(),
					(sender, payload) -> node.forward(to, "sink-" + sender, payload, foreground)));
		}
		finally {
			running.set(false);
			pusher.join(RequestAckLoop.ACK_TIMEOUT_SECONDS * 1000);
		}
	}

	/**
	 * For each lane of a channel with {@code lanes} lanes, a partition key that takes it.
	 */
	static int[] laneKeys(int lanes) {
		int[] keys = new int[lanes];
		boolean[] found = new boolean[lanes];
		int left = lanes;
		for (int key = 0; key < 100_000 && left > 0; key++) {
			int lane = LaneSelector.select(lanes, key, "", "", true, 0);
			if (!found[lane]) {
				found[lane] = true;
				keys[lane] = key;
				left--;
			}
		}
		if (left > 0) {
			throw new IllegalStateException("no key found for " + left + " of " + lanes + " lanes");
		}
		return keys;
	}

	/**
	 * Two partition keys that take different lanes when there are several (the same lane
	 * when one).
	 */
	static int[] distinctLaneKeys(int lanes) {
		int first = 0;
		int firstLane = LaneSelector.select(lanes, first, "", "", true, 0);
		for (int key = 1; key < 1000; key++) {
			if (lanes == 1 || LaneSelector.select(lanes, key, "", "", true, 0) != firstLane) {
				return new int[] { first, key };
			}
		}
		throw new IllegalStateException("no two keys on different lanes");
	}

}
