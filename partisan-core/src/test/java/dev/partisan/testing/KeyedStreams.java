package dev.partisan.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.runtime.PartisanNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many senders, each sending numbered updates over a few partition keys at once, and a
 * receiver that checks what the papers promise per channel and key: every update exactly
 * once, in order per sender and key. Shared by the transports' tests, so each proves the
 * same property the same way.
 */
public final class KeyedStreams {

	/**
	 * One update: from {@code sender}, for {@code key}, the {@code seq}-th of that
	 * sender.
	 */
	public record Update(int sender, int key, int seq) {
	}

	private final Map<String, Integer> lastSeen = new ConcurrentHashMap<>();

	private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

	private final AtomicInteger duplicates = new AtomicInteger();

	private final AtomicInteger outOfOrder = new AtomicInteger();

	private final AtomicInteger total = new AtomicInteger();

	/** Registers the checking handler {@code updates} on {@code receiver}. */
	public KeyedStreams receiveOn(PartisanNode receiver) {
		receiver.register("updates", Update.class, (update, meta) -> {
			this.total.incrementAndGet();
			if (this.seen.put(update.sender() + "/" + update.seq(), Boolean.TRUE) != null) {
				this.duplicates.incrementAndGet();
			}
			Integer previous = this.lastSeen.put(update.sender() + "/" + update.key(), update.seq());
			if (previous != null && previous >= update.seq()) {
				this.outOfOrder.incrementAndGet();
			}
		});
		return this;
	}

	/**
	 * Starts {@code senders} threads on {@code from} together; each sends
	 * {@code perSender} updates to {@code to} on {@code channel}, cycling over
	 * {@code keys} partition keys of its own.
	 */
	public void send(PartisanNode from, NodeId to, String channel, int senders, int perSender, int keys)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(senders);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int s = 0; s < senders; s++) {
				int sender = s;
				done.add(pool.submit(() -> {
					go.await();
					for (int seq = 0; seq < perSender; seq++) {
						int key = seq % keys;
						from.forward(to, "updates", new Update(sender, key, seq),
								ForwardOptions.channel(channel).partitionKey(sender * 100 + key));
					}
					return null;
				}));
			}
			go.countDown();
			for (Future<?> f : done) {
				f.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdown();
		}
	}

	/**
	 * Waits for {@code expected} updates, then asserts each arrived once and in order per
	 * sender and key.
	 */
	public void assertAllOnceInOrder(int expected, Duration limit) {
		await().atMost(limit).until(() -> this.total.get() >= expected);
		assertThat(this.seen).hasSize(expected);
		assertThat(this.duplicates).as("duplicates").hasValue(0);
		assertThat(this.outOfOrder).as("out of order per sender and key").hasValue(0);
	}

}
