package dev.partisan.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.transport.ChannelSpec;

/**
 * The two nodes of the acknowledgement-cost experiment ({@link AckCost}), each in its own
 * JVM. The sender streams small messages to one handler, at most {@link #WINDOW} ahead of
 * what the receiver reports handled, for a fixed time on an acknowledged channel and on a
 * plain one, alternating; the receiver's handler counts. Both channels have one lane, so
 * the only difference is acknowledgement: the receiver sends one after each handler call,
 * the sender keeps every message until it arrives.
 *
 * <p>
 * Receiver: {@code receiver <host> <port>}, prints {@code READY}, runs until its standard
 * input closes. Sender:
 * {@code sender <host> <port> <receiver name@host:port> <repetitions>
 * <case ms> <warm-up ms> <payload bytes>}, prints one {@code ACKCOST} line per case.
 */
public final class AckCostPeer {

	static final String RESULT = "ACKCOST ";

	static final String ACKED = "acked";

	static final String PLAIN = "plain";

	/** Messages the sender may be ahead of the receiver's handler. */
	static final int WINDOW = 1_000;

	/** The receiver reports its count every this many messages. */
	static final int REPORT_EVERY = 100;

	/**
	 * One measured case.
	 *
	 * @param config {@code acked} or {@code plain}
	 * @param repetition 1, 2, …
	 * @param seconds from the first send until every message was handled (and, acked,
	 * acknowledged)
	 * @param messages messages sent and handled
	 * @param messagesPerSecond {@code messages / seconds}
	 * @param cpuMicrosPerMessage CPU time of both JVMs (every thread, GC and JIT
	 * included) per message
	 * @param retransmits retransmissions during the case (0 unless an acknowledgement
	 * took longer than the retransmit interval)
	 */
	public record Measured(String config, int repetition, double seconds, long messages, double messagesPerSecond,
			double cpuMicrosPerMessage, long retransmits) {
	}

	private AckCostPeer() {
	}

	public static void main(String[] args) throws Exception {
		String role = args[0];
		PartisanNode node = PartisanNode.create(config(role, args[1], Integer.parseInt(args[2])));
		try {
			if (role.equals("receiver")) {
				receive(node);
				node.start();
				Protocol.ready();
				Protocol.awaitStdinClosed();
			}
			else {
				node.start();
				send(node, Node.parse(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
						Integer.parseInt(args[6]), Integer.parseInt(args[7]));
			}
		}
		finally {
			node.close();
		}
	}

	private static PartisanConfig config(String name, String host, int port) {
		return PartisanConfig.builder(name)
			.host(host)
			.port(port)
			.channel(new ChannelSpec(ACKED, 1, false, true, false))
			.channel(new ChannelSpec(PLAIN, 1, false, false, false))
			.build();
	}

	private static void receive(PartisanNode node) {
		AtomicLong handled = new AtomicLong();
		node.register("sink", byte[].class, (payload, meta) -> {
			long count = handled.incrementAndGet();
			if (count % REPORT_EVERY == 0) {
				node.forward(meta.sender(), "progress", ByteBuffer.allocate(8).putLong(count).array());
			}
		});
		node.registerRequestHandler("stats", byte[].class,
				(query, meta) -> ByteBuffer.allocate(16).putLong(handled.get()).putLong(cpuNanos()).array());
	}

	private static void send(PartisanNode node, Node receiver, int repetitions, int caseMillis, int warmupMillis,
			int size) throws Exception {
		AtomicLong reported = new AtomicLong();
		node.register("progress", byte[].class,
				(count, meta) -> reported.accumulateAndGet(ByteBuffer.wrap(count).getLong(), Math::max));
		node.syncJoin(receiver).get(60, TimeUnit.SECONDS);
		Stream stream = new Stream(node, receiver.id(), reported, new byte[size]);
		if (warmupMillis > 0) {
			// JIT-compile both paths before anything is measured.
			stream.measure(PLAIN, 0, warmupMillis);
			stream.measure(ACKED, 0, warmupMillis);
		}
		for (int repetition = 1; repetition <= repetitions; repetition++) {
			// Alternate which goes first, so a drift of the machine's load favours
			// neither.
			List<String> order = (repetition % 2 == 1) ? List.of(PLAIN, ACKED) : List.of(ACKED, PLAIN);
			for (String config : order) {
				System.out.println(Protocol.PROGRESS + "ackcost " + config + " repetition " + repetition);
				Protocol.line(RESULT, stream.measure(config, repetition, caseMillis));
			}
		}
	}

	/** This JVM's CPU time so far, all threads. */
	static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** The sender's side of one case. */
	private record Stream(PartisanNode node, NodeId to, AtomicLong reported, byte[] payload) {

		Measured measure(String channel, int repetition, int millis) throws Exception {
			ByteBuffer before = stats();
			long handledBefore = before.getLong();
			long receiverCpuBefore = before.getLong();
			long senderCpuBefore = cpuNanos();
			long retransmitsBefore = this.node.deliveryStats().retransmits();
			ForwardOptions options = ForwardOptions.channel(channel).sender("bench");
			long start = System.nanoTime();
			long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
			long sent = 0;
			while (System.nanoTime() < deadline) {
				if (sent - (this.reported.get() - handledBefore) < WINDOW) {
					this.node.forward(this.to, "sink", this.payload, options);
					sent++;
				}
				else {
					LockSupport.parkNanos(20_000);
				}
			}
			long drainLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			ByteBuffer after = stats();
			while (after.getLong(0) - handledBefore < sent || this.node.deliveryStats().outstandingAcks() > 0) {
				if (System.nanoTime() > drainLimit) {
					throw new IllegalStateException("the " + channel + " case did not drain within 60 s");
				}
				Thread.sleep(1);
				after = stats();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			long cpu = (after.getLong(8) - receiverCpuBefore) + (cpuNanos() - senderCpuBefore);
			return new Measured(channel, repetition, seconds, sent, sent / seconds, cpu / 1e3 / sent,
					this.node.deliveryStats().retransmits() - retransmitsBefore);
		}

		private ByteBuffer stats() throws Exception {
			byte[] reply = this.node
				.call(this.to, "stats", new byte[0], byte[].class, ForwardOptions.defaults(), Duration.ofSeconds(10))
				.get(20, TimeUnit.SECONDS);
			return ByteBuffer.wrap(reply);
		}

	}

}
