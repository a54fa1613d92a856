package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.partisan.api.ForwardOptions;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler slower than its senders: its mailbox fills, the connections feeding it pause,
 * and the senders' messages wait in their own lane queues — nothing is dropped and order
 * holds.
 */
class BackPressureTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aFullMailboxPausesItsConnectionInsteadOfDroppingMessages() {
		PartisanNode a = this.nodes.start("a", (b) -> b.mailboxCapacity(8));
		PartisanNode b = this.nodes.start("b");
		b.syncJoin(a.localNode()).join();
		List<Integer> got = new CopyOnWriteArrayList<>();
		a.register("slow", Integer.class, (n, meta) -> {
			got.add(n);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		});

		int count = 1_000;
		for (int i = 0; i < count; i++) {
			b.forward(a.localNode().id(), "slow", i, ForwardOptions.defaults());
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> got.size() >= count);
		List<Integer> expected = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			expected.add(i);
		}
		assertThat(got).as("every message, once, in order").containsExactlyElementsOf(expected);
		assertThat(a.backpressurePauses()).as("the connection was paused").isPositive();
	}

}
