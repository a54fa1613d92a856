package dev.partisan.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The papers' workload: N sender actors, each sends a message and waits for its
 * acknowledgement before sending the next, M messages each. The first 8 bytes of a
 * payload carry (sender, sequence); an acknowledgement echoes them. Every wait is
 * bounded.
 */
final class RequestAckLoop {

	static final int MAX_SENDERS = 256;

	static final long ACK_TIMEOUT_SECONDS = 120;

	/** Sends one payload for {@code sender}. */
	@FunctionalInterface
	interface Sender {

		void send(int sender, byte[] payload) throws Exception;

	}

	record Measurement(double seconds, long messages, long[] sortedLatencies, String error) {
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private final BlockingQueue<Integer>[] acks = new BlockingQueue[MAX_SENDERS];

	RequestAckLoop() {
		for (int i = 0; i < MAX_SENDERS; i++) {
			this.acks[i] = new ArrayBlockingQueue<>(16);
		}
	}

	/** Records an acknowledgement from its 8 header bytes. */
	void ack(byte[] header) {
		ByteBuffer buffer = ByteBuffer.wrap(header);
		int sender = buffer.getInt();
		int seq = buffer.getInt();
		if (sender >= 0 && sender < MAX_SENDERS) {
			this.acks[sender].offer(seq);
		}
	}

	static void writeHeader(byte[] payload, int sender, int seq) {
		ByteBuffer.wrap(payload).putInt(sender).putInt(seq);
	}

	static byte[] header(byte[] payload) {
		byte[] header = new byte[8];
		System.arraycopy(payload, 0, header, 0, 8);
		return header;
	}

	Measurement run(int senders, int messages, int size, Sender transport) throws InterruptedException {
		if (senders > MAX_SENDERS) {
			throw new IllegalArgumentException("At most " + MAX_SENDERS + " senders");
		}
		for (BlockingQueue<Integer> queue : this.acks) {
			queue.clear();
		}
		List<LatencyRecorder> recorders = new ArrayList<>();
		// The first failure of any sender; null while none has failed.
		AtomicReference<@Nullable String> error = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(senders);
		for (int s = 0; s < senders; s++) {
			int sender = s;
			LatencyRecorder recorder = new LatencyRecorder(messages);
			recorders.add(recorder);
			Thread thread = new Thread(() -> {
				byte[] payload = new byte[Math.max(8, size)];
				try {
					start.await();
					for (int seq = 0; seq < messages && error.get() == null; seq++) {
						writeHeader(payload, sender, seq);
						long sentAt = System.nanoTime();
						transport.send(sender, payload);
						Integer acked = this.acks[sender].poll(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
						if (acked == null || acked != seq) {
							error.compareAndSet(null, "sender " + sender + " got no acknowledgement for message " + seq
									+ " within " + ACK_TIMEOUT_SECONDS + " s");
							break;
						}
						recorder.record(System.nanoTime() - sentAt);
					}
				}
				catch (Exception ex) {
					error.compareAndSet(null, "sender " + sender + ": " + ex);
				}
				finally {
					done.countDown();
				}
			}, "bench-sender-" + s);
			thread.setDaemon(true);
			thread.start();
		}
		long began = System.nanoTime();
		start.countDown();
		if (!done.await(ACK_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS)) {
			error.compareAndSet(null, "the case did not finish within " + ACK_TIMEOUT_SECONDS * 2 + " s");
		}
		double seconds = (System.nanoTime() - began) / 1e9;
		long[] latencies = LatencyRecorder.merge(recorders);
		String failure = error.get();
		return new Measurement(seconds, latencies.length, latencies, (failure != null) ? failure : "");
	}

	/**
	 * The same workload for a time instead of a count: the senders keep going through a
	 * lead-in and a measured window and stop after it. {@code atOpen} and {@code atClose}
	 * run at the window's edges; the measurement counts the acknowledgements between them
	 * (its {@code seconds} is the window's) and the latencies of those that arrived
	 * inside it.
	 */
	Measurement runFor(int senders, int size, long leadInNanos, long windowNanos, Sender transport, Runnable atOpen,
			Runnable atClose) throws InterruptedException {
		if (senders > MAX_SENDERS) {
			throw new IllegalArgumentException("At most " + MAX_SENDERS + " senders");
		}
		for (BlockingQueue<Integer> queue : this.acks) {
			queue.clear();
		}
		AtomicReference<@Nullable String> error = new AtomicReference<>();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicBoolean recording = new AtomicBoolean();
		LongAdder acknowledged = new LongAdder();
		List<LatencyRecorder> recorders = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			int sender = s;
			LatencyRecorder recorder = new LatencyRecorder(1024);
			recorders.add(recorder);
			Thread thread = new Thread(() -> {
				byte[] payload = new byte[Math.max(8, size)];
				try {
					for (int seq = 0; !stop.get() && error.get() == null; seq++) {
						writeHeader(payload, sender, seq);
						long sentAt = System.nanoTime();
						transport.send(sender, payload);
						Integer acked = this.acks[sender].poll(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
						if (acked == null || acked != seq) {
							error.compareAndSet(null, "sender " + sender + " got no acknowledgement for message " + seq
									+ " within " + ACK_TIMEOUT_SECONDS + " s");
							break;
						}
						if (recording.get()) {
							recorder.record(System.nanoTime() - sentAt);
						}
						acknowledged.increment();
					}
				}
				catch (Exception ex) {
					error.compareAndSet(null, "sender " + sender + ": " + ex);
				}
			}, "bench-sender-" + s);
			thread.setDaemon(true);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		sleepUnlessFailed(leadInNanos, error);
		long before = acknowledged.sum();
		atOpen.run();
		long openedAt = System.nanoTime();
		recording.set(true);
		sleepUnlessFailed(windowNanos, error);
		recording.set(false);
		long closedAt = System.nanoTime();
		atClose.run();
		long after = acknowledged.sum();
		stop.set(true);
		long joinLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(ACK_TIMEOUT_SECONDS * 2);
		for (Thread thread : threads) {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinLimit - System.nanoTime())));
			if (thread.isAlive()) {
				error.compareAndSet(null, "a sender did not stop within " + ACK_TIMEOUT_SECONDS * 2 + " s");
			}
		}
		String failure = error.get();
		return new Measurement((closedAt - openedAt) / 1e9, after - before, LatencyRecorder.merge(recorders),
				(failure != null) ? failure : "");
	}

	/** Sleeps for {@code nanos}, or less once {@code error} is set. */
	static void sleepUnlessFailed(long nanos, AtomicReference<@Nullable String> error) throws InterruptedException {
		long end = System.nanoTime() + nanos;
		long left;
		while ((left = end - System.nanoTime()) > 0 && error.get() == null) {
			Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
		}
	}

	static CaseResult toResult(BenchCase benchCase, Measurement m) {
		double goodput = (m.seconds() > 0) ? (m.messages() * (double) benchCase.size()) / m.seconds() / 1e6 : 0;
		return new CaseResult(benchCase, m.seconds(), m.messages(), goodput,
				LatencyRecorder.percentileMillis(m.sortedLatencies(), 0.50),
				LatencyRecorder.percentileMillis(m.sortedLatencies(), 0.99), m.error());
	}

}
