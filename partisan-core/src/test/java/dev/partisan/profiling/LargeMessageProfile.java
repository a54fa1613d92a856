package dev.partisan.profiling;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.PayloadView;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;

/**
 * Not a test: a main to run under JFR. Two nodes in this JVM run the bench's request/ack
 * workload (N senders, each sends a message to its own handler on the other node and
 * waits for an 8-byte acknowledgement before the next) and print the process CPU time per
 * message, which holds still on a shared machine where wall-clock figures do not.
 *
 * <p>
 * Arguments: {@code senders sizeBytes seconds [lanes] [ack] [secret]}; with
 * {@code -Dprofile.receive=view} the receiving handlers take a {@link PayloadView}
 * instead of {@code byte[]}, with {@code -Dprofile.send=direct} the senders send direct
 * {@code ByteBuffer}s. Run it with the test class path, e.g.
 * {@code java -XX:StartFlightRecording=filename=x.jfr,settings=profile
 * -cp ... dev.partisan.profiling.LargeMessageProfile 16 1048576 20}.
 */
public final class LargeMessageProfile {

	private LargeMessageProfile() {
	}

	public static void main(String[] args) throws Exception {
		int senders = Integer.parseInt(args[0]);
		int size = Integer.parseInt(args[1]);
		int seconds = Integer.parseInt(args[2]);
		int lanes = (args.length > 3) ? Integer.parseInt(args[3]) : 1;
		boolean ack = args.length > 4 && Boolean.parseBoolean(args[4]);
		String secret = (args.length > 5) ? args[5] : null;
		PartisanNode receiver = PartisanNode.create(config("receiver", lanes, secret)).start();
		PartisanNode sender = PartisanNode.create(config("sender", lanes, secret)).start();
		try {
			run(receiver, sender, senders, size, seconds, lanes, ack);
		}
		finally {
			sender.close();
			receiver.close();
		}
	}

	private static PartisanConfig config(String name, int lanes, String secret) {
		return PartisanConfig.builder(name)
			.host("127.0.0.1")
			.port(0)
			.channel("p", lanes)
			.maxQueued(1_000_000, 2L * 1024 * 1024 * 1024)
			.clusterSecret(secret)
			.build();
	}

	private static void run(PartisanNode receiver, PartisanNode sender, int senders, int size, int seconds, int lanes,
			boolean ack) throws Exception {
		Semaphore[] acks = new Semaphore[senders];
		boolean lend = "view".equals(System.getProperty("profile.receive"));
		for (int i = 0; i < senders; i++) {
			String ackName = "ack-" + i;
			if (lend) {
				receiver.register("sink-" + i, PayloadView.class, (view, meta) -> receiver.forward(meta.sender(),
						ackName, header(view), ForwardOptions.channel(meta.channel())));
			}
			else {
				receiver.register("sink-" + i, byte[].class, (payload, meta) -> receiver.forward(meta.sender(), ackName,
						header(payload), ForwardOptions.channel(meta.channel())));
			}
			acks[i] = new Semaphore(0);
			Semaphore mine = acks[i];
			sender.register(ackName, byte[].class, (header, meta) -> mine.release());
		}
		sender.syncJoin(receiver.localNode()).get(30, TimeUnit.SECONDS);
		NodeId to = receiver.localNode().id();
		AtomicBoolean measuring = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong counted = new AtomicLong();
		CountDownLatch done = new CountDownLatch(senders);
		for (int i = 0; i < senders; i++) {
			int id = i;
			Thread thread = new Thread(() -> {
				boolean direct = "direct".equals(System.getProperty("profile.send"));
				byte[] array = new byte[size];
				// Reused only once the receiver has answered: by then the frame was
				// written
				// (and, when acknowledged, forgotten), as the hand-over contract asks.
				ByteBuffer buffer = ByteBuffer.allocateDirect(size);
				ForwardOptions options = ForwardOptions.channel("p").sender("sender-" + id).ack(ack);
				try {
					for (int seq = 0; running.get(); seq++) {
						Object payload;
						if (direct) {
							buffer.putInt(0, id).putInt(4, seq);
							payload = buffer;
						}
						else {
							ByteBuffer.wrap(array).putInt(id).putInt(seq);
							payload = array;
						}
						sender.forward(to, "sink-" + id, payload, options);
						if (!acks[id].tryAcquire(30, TimeUnit.SECONDS)) {
							throw new IllegalStateException("no acknowledgement in 30 s");
						}
						if (measuring.get()) {
							counted.incrementAndGet();
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					done.countDown();
				}
			});
			thread.start();
		}
		Thread.sleep(Math.min(5_000, seconds * 300L));
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		long cpu0 = os.getProcessCpuTime();
		long t0 = System.nanoTime();
		measuring.set(true);
		Thread.sleep(seconds * 1000L);
		measuring.set(false);
		long cpu = os.getProcessCpuTime() - cpu0;
		long wall = System.nanoTime() - t0;
		running.set(false);
		done.await(60, TimeUnit.SECONDS);
		long messages = counted.get();
		double mib = messages * (double) size / (1024 * 1024);
		System.out.printf(
				"senders=%d size=%d lanes=%d ack=%s messages=%d goodput=%.0f MiB/s cpu/msg=%.1f us"
						+ " (both nodes, this process)%n",
				senders, size, lanes, ack, messages, mib / (wall / 1e9), cpu / 1e3 / Math.max(1, messages));
	}

	private static byte[] header(PayloadView view) {
		byte[] header = new byte[8];
		for (int i = 0; i < 8; i++) {
			header[i] = view.get(i);
		}
		return header;
	}

	private static byte[] header(byte[] payload) {
		byte[] header = new byte[8];
		System.arraycopy(payload, 0, header, 0, 8);
		return header;
	}

}
