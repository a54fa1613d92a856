package dev.partisan.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.config.TransportOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.QueueFullException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One lane's queue and connection, on Netty's embedded channel: no socket, and the event
 * loop runs its tasks only when the test calls {@link EmbeddedChannel#runPendingTasks()},
 * so what was written before and after each step is exact.
 */
class LaneTest {

	private static final Node PEER = Node.of("peer", "127.0.0.1", 10100);

	private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

	/**
	 * At most three messages or 100 bytes queued; a back-off of hours, so no test can
	 * outwait it by chance.
	 */
	private static final TransportSettings SETTINGS = new TransportSettings(
			List.of(new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, 1, false)),
			TransportOptions.builder()
				.affinity(true)
				.maxFrameSize(1 << 20)
				.compressionThreshold(1 << 20)
				.connectTimeout(Duration.ofSeconds(1))
				.reconnectMin(Duration.ofHours(1))
				.reconnectMax(Duration.ofHours(4))
				.connectionRefreshInterval(Duration.ofSeconds(1))
				.connectionsPerRefresh(1)
				.maxQueuedMessages(3)
				.maxQueuedBytes(100)
				.listenBacklog(16)
				.eventLoopThreads(1)
				.build(),
			Duration.ofHours(1));

	private final PeerLanes peer = new PeerLanes(PEER, SETTINGS);

	private final Lane lane = new Lane(this.peer, ForwardOptions.DEFAULT_CHANNEL, 0, SETTINGS, false);

	private final EmbeddedChannel channel = new EmbeddedChannel(this.lane.new WritabilityHandler());

	/**
	 * Every frame the test made, to check that the lane released those it did not write.
	 */
	private final List<ByteBuf> frames = new ArrayList<>();

	@AfterEach
	void closeAndCheckThatNoFrameLeaked() {
		this.lane.close();
		this.channel.finishAndReleaseAll();
		assertThat(this.frames).as("frames still referenced").allMatch((frame) -> frame.refCnt() == 0);
	}

	@Test
	void theHelloGoesFirstAndThenTheFramesInTheOrderTheyWereQueued() {
		this.lane.enqueue(frame("f1"), null, 0, null);
		this.lane.enqueue(frame("f2"), null, 0, null);

		connect();
		this.lane.enqueue(frame("f3"), null, 0, null);
		this.channel.runPendingTasks();

		assertThat(written()).containsExactly("hello", "f1", "f2", "f3");
	}

	@Test
	void nothingIsWrittenOutsideTheEventLoop() {
		// Senders enqueue from any thread; only the drain task, on the channel's loop,
		// writes.
		connect();
		written();

		this.lane.enqueue(frame("f1"), null, 0, null);

		assertThat(written()).isEmpty();
		this.channel.runPendingTasks();
		assertThat(written()).containsExactly("f1");
	}

	@Test
	void aWrittenFramesFutureCompletesAndTheStatsCountIt() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		connect();
		written();

		this.lane.enqueue(frame("12345"), done, 0, null);
		assertThat(done).isNotDone();
		this.channel.runPendingTasks();

		assertThat(done).isCompleted();
		LaneStats stats = this.lane.stats(7, 70);
		assertThat(stats.sentMessages()).isEqualTo(1);
		assertThat(stats.sentBytes()).isEqualTo(5);
		assertThat(stats.queuedMessages()).isZero();
		assertThat(stats.queuedBytes()).isZero();
	}

	@Test
	void theQueueIsBoundedInMessagesAndARefusedFrameIsReleasedAndCounted() {
		for (int i = 0; i < 3; i++) {
			this.lane.enqueue(frame("f" + i), null, 0, null);
		}
		ByteBuf fourth = frame("f3");

		assertThatExceptionOfType(QueueFullException.class).isThrownBy(() -> this.lane.enqueue(fourth, null, 0, null))
			.withMessageContaining("peer/default/0")
			.withMessageContaining("3 messages");

		assertThat(fourth.refCnt()).isZero();
		LaneStats stats = this.lane.stats(0, 0);
		assertThat(stats.queuedMessages()).isEqualTo(3);
		assertThat(stats.droppedMessages()).isEqualTo(1);
		connect();
		this.channel.runPendingTasks();
		assertThat(written()).containsExactly("hello", "f0", "f1", "f2");
	}

	@Test
	void theQueueIsBoundedInBytesYetAlwaysTakesOneFrameWhenEmpty() {
		// A frame larger than the byte bound must still be sendable, or it could never go
		// out at all.
		ByteBuf large = Unpooled.wrappedBuffer(new byte[150]);
		this.frames.add(large);
		this.lane.enqueue(large, null, 0, null);
		ByteBuf small = frame("x");

		assertThatExceptionOfType(QueueFullException.class).isThrownBy(() -> this.lane.enqueue(small, null, 0, null))
			.withMessageContaining("150 bytes");

		assertThat(this.lane.stats(0, 0).queuedBytes()).isEqualTo(150);
		connect();
		this.channel.runPendingTasks();
		this.lane.enqueue(frame("y".repeat(60)), null, 0, null);
		assertThatExceptionOfType(QueueFullException.class)
			.isThrownBy(() -> this.lane.enqueue(frame("z".repeat(50)), null, 0, null));
	}

	@Test
	void aDelayedFrameHoldsBackEveryFrameBehindIt() {
		CompletableFuture<Void> behind = new CompletableFuture<>();
		this.lane.enqueue(frame("delayed"), null, System.nanoTime() + ONE_HOUR, null);
		this.lane.enqueue(frame("behind"), behind, 0, null);

		connect();
		this.channel.runPendingTasks();

		assertThat(written()).containsExactly("hello");
		assertThat(behind).isNotDone();
		assertThat(this.lane.queuedMessages()).isEqualTo(2);
	}

	@Test
	void aDelayedFrameGoesOutWhenItsTimeComesAndTheFramesBehindItFollow() {
		this.lane.enqueue(frame("delayed"), null, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), null);
		this.lane.enqueue(frame("behind"), null, 0, null);
		connect();
		List<String> seen = new ArrayList<>();

		// The delayed drain is a task the embedded loop runs once it is due: run the loop
		// until it has.
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
			this.channel.runScheduledPendingTasks();
			this.channel.runPendingTasks();
			seen.addAll(written());
			return seen.size() == 3;
		});

		assertThat(seen).containsExactly("hello", "delayed", "behind");
	}

	@Test
	void aDelayedFrameDoesNotKeepTheEventLoopBusyWhileItWaits() {
		// Regression: the drain that found its head delayed scheduled itself again at
		// once, so the event
		// loop ran it over and over until the delay passed. The guard channel ends such a
		// spin and counts it.
		SpinGuardChannel guarded = new SpinGuardChannel(this.lane);
		this.lane.enqueue(frame("delayed"), null, System.nanoTime() + ONE_HOUR, null);

		this.lane.connected(Connection.from(guarded), frame("hello"));
		guarded.runPendingTasks();
		this.lane.enqueue(frame("behind"), null, 0, null);
		guarded.runPendingTasks();

		assertThat(guarded.writabilityChecks).as("drain passes while the head waits").isLessThan(10);
		assertThat(drain(guarded)).containsExactly("hello");
		this.lane.close();
		guarded.finishAndReleaseAll();
	}

	@Test
	void aFrameWhoseDelayHasPassedGoesOutAtOnce() {
		this.lane.enqueue(frame("was delayed"), null, System.nanoTime() - 1, null);
		connect();
		this.channel.runPendingTasks();

		assertThat(written()).containsExactly("hello", "was delayed");
	}

	@Test
	void onAMonotonicLaneANewerMessageSupersedesAQueuedOneOfTheSameKey() {
		Lane monotonic = new Lane(this.peer, "gauges", 0, SETTINGS, true);
		EmbeddedChannel ch = new EmbeddedChannel(monotonic.new WritabilityHandler());
		try {
			CompletableFuture<Void> replaced = new CompletableFuture<>();
			ByteBuf second = frame("k=2");
			monotonic.enqueue(frame("k=1"), null, 0, "k");
			monotonic.enqueue(second, replaced, 0, "k");
			monotonic.enqueue(frame("k=3"), null, 0, "k");

			assertThat(replaced).as("a superseded message counts as handled").isCompleted();
			LaneStats stats = monotonic.stats(0, 0);
			assertThat(stats.supersededMessages()).isEqualTo(1);
			assertThat(stats.queuedMessages()).isEqualTo(2);
			// The superseded message no longer takes room: a third key still fits under
			// the bound of three.
			monotonic.enqueue(frame("other=1"), null, 0, "other");
			monotonic.connected(Connection.from(ch), frame("hello"));
			ch.runPendingTasks();

			// k=1 is the key's first in its window and is kept; k=2 gave way to k=3.
			assertThat(drain(ch)).containsExactly("hello", "k=1", "k=3", "other=1");
			assertThat(second.refCnt()).isZero();
		}
		finally {
			monotonic.close();
			ch.finishAndReleaseAll();
		}
	}

	@Test
	void aMonotonicLaneNeverSupersedesAMessageAlreadyWritten() {
		Lane monotonic = new Lane(this.peer, "gauges", 0, SETTINGS, true);
		EmbeddedChannel ch = new EmbeddedChannel(monotonic.new WritabilityHandler());
		try {
			monotonic.connected(Connection.from(ch), frame("hello"));
			monotonic.enqueue(frame("k=1"), null, 0, "k");
			monotonic.enqueue(frame("k=2"), null, 0, "k");
			ch.runPendingTasks();
			monotonic.enqueue(frame("k=3"), null, 0, "k");
			ch.runPendingTasks();

			assertThat(drain(ch)).containsExactly("hello", "k=1", "k=2", "k=3");
			assertThat(monotonic.stats(0, 0).supersededMessages()).isZero();
		}
		finally {
			monotonic.close();
			ch.finishAndReleaseAll();
		}
	}

	@Test
	void anOrdinaryLaneIgnoresSupersedeKeys() {
		this.lane.enqueue(frame("k=1"), null, 0, "k");
		this.lane.enqueue(frame("k=2"), null, 0, "k");
		this.lane.enqueue(frame("k=3"), null, 0, "k");
		connect();
		this.channel.runPendingTasks();

		assertThat(written()).containsExactly("hello", "k=1", "k=2", "k=3");
		assertThat(this.lane.stats(0, 0).supersededMessages()).isZero();
	}

	@Test
	void anUnwritableSocketLeavesFramesInTheLaneUntilItIsWritableAgain() {
		connect();
		written();
		this.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
		this.channel.runPendingTasks();

		this.lane.enqueue(frame("f1"), null, 0, null);
		this.lane.enqueue(frame("f2"), null, 0, null);
		this.channel.runPendingTasks();
		assertThat(written()).isEmpty();
		assertThat(this.lane.queuedMessages()).isEqualTo(2);

		this.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
		this.channel.runPendingTasks();

		assertThat(written()).containsExactly("f1", "f2");
		assertThat(this.lane.queuedMessages()).isZero();
	}

	@Test
	void aNewLaneIsDialledOnceAndIsOpenOnlyWhenConnected() {
		assertThat(this.lane.state()).isEqualTo(Lane.State.IDLE);
		assertThat(this.lane.dueForDial(System.nanoTime())).isTrue();

		assertThat(this.lane.markConnecting()).isTrue();
		assertThat(this.lane.markConnecting()).as("one attempt at a time").isFalse();
		assertThat(this.lane.dueForDial(System.nanoTime())).isFalse();
		assertThat(this.lane.isOpen()).isFalse();

		connect();

		assertThat(this.lane.state()).isEqualTo(Lane.State.CONNECTED);
		assertThat(this.lane.isOpen()).isTrue();
		assertThat(this.lane.markConnecting()).isFalse();
		assertThat(this.lane.dueForDial(System.nanoTime())).isFalse();
	}

	@Test
	void aDroppedConnectionIsRedialledAtOnceAndKeepsWhatIsQueued() {
		this.lane.markConnecting();
		connect();
		written();
		this.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
		this.lane.enqueue(frame("waiting"), null, 0, null);

		this.channel.close();

		assertThat(this.lane.state()).isEqualTo(Lane.State.RECONNECTING);
		assertThat(this.lane.isOpen()).isFalse();
		assertThat(this.lane.dueForDial(System.nanoTime())).isTrue();
		assertThat(this.lane.queuedMessages()).isEqualTo(1);
		EmbeddedChannel next = new EmbeddedChannel(this.lane.new WritabilityHandler());
		try {
			this.lane.markConnecting();
			this.lane.connected(Connection.from(next), frame("hello again"));
			next.runPendingTasks();
			assertThat(drain(next)).containsExactly("hello again", "waiting");
		}
		finally {
			next.finishAndReleaseAll();
		}
	}

	@Test
	void theCloseOfAConnectionThatWasReplacedChangesNothing() {
		EmbeddedChannel old = new EmbeddedChannel();
		try {
			this.lane.connected(Connection.from(old), frame("hello"));
			connect();

			old.close();

			assertThat(this.lane.state()).isEqualTo(Lane.State.CONNECTED);
		}
		finally {
			old.finishAndReleaseAll();
		}
	}

	@Test
	void aFailedAttemptWaitsForABackOffThatGrowsUpToItsBound() {
		long now = System.nanoTime();
		this.lane.markConnecting();
		this.lane.connectFailed();

		assertThat(this.lane.state()).isEqualTo(Lane.State.FAILED);
		// The first back-off is an hour, give or take its jitter (-1/8 to +1/8).
		assertThat(this.lane.dueForDial(now + TimeUnit.MINUTES.toNanos(50))).isFalse();
		assertThat(this.lane.dueForDial(System.nanoTime() + TimeUnit.MINUTES.toNanos(70))).isTrue();

		this.lane.markConnecting();
		this.lane.connectFailed();
		assertThat(this.lane.dueForDial(System.nanoTime() + TimeUnit.MINUTES.toNanos(70))).as("doubled").isFalse();
		for (int attempt = 0; attempt < 10; attempt++) {
			this.lane.markConnecting();
			this.lane.connectFailed();
		}
		assertThat(this.lane.dueForDial(System.nanoTime() + TimeUnit.MINUTES.toNanos(5 * 60))).as("at most four hours")
			.isTrue();

		connect();
		this.channel.close();
		this.lane.connectFailed();
		assertThat(this.lane.dueForDial(System.nanoTime() + TimeUnit.MINUTES.toNanos(70)))
			.as("a connection that was made resets the back-off")
			.isTrue();
	}

	@Test
	void aClosedLaneDropsWhatWasQueuedRefusesMoreAndIsNeverDialledAgain() {
		CompletableFuture<Void> queued = new CompletableFuture<>();
		ByteBuf frame = frame("queued");
		this.lane.enqueue(frame, queued, 0, null);

		this.lane.close();

		assertThat(this.lane.state()).isEqualTo(Lane.State.CLOSED);
		assertThat(queued).isCompletedExceptionally();
		assertThat(frame.refCnt()).isZero();
		LaneStats stats = this.lane.stats(0, 0);
		assertThat(stats.droppedMessages()).isEqualTo(1);
		assertThat(stats.queuedMessages()).isZero();
		ByteBuf late = frame("late");
		assertThatExceptionOfType(QueueFullException.class).isThrownBy(() -> this.lane.enqueue(late, null, 0, null))
			.withMessageContaining("closed");
		assertThat(late.refCnt()).isZero();
		assertThat(this.lane.markConnecting()).isFalse();
		assertThat(this.lane.dueForDial(System.nanoTime() + ONE_HOUR * 24)).isFalse();
		this.lane.connectFailed();
		assertThat(this.lane.state()).isEqualTo(Lane.State.CLOSED);
	}

	@Test
	void closingAConnectedLaneClosesItsConnection() {
		connect();

		this.lane.close();

		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.lane.state()).isEqualTo(Lane.State.CLOSED);
	}

	@Test
	void aConnectionThatArrivesAfterTheLaneClosedIsClosedAndItsHelloReleased() {
		this.lane.close();
		ByteBuf hello = frame("hello");

		this.lane.connected(Connection.from(this.channel), hello);

		assertThat(hello.refCnt()).isZero();
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.lane.state()).isEqualTo(Lane.State.CLOSED);
	}

	@Test
	void theStatsDescribeTheLaneAndCarryTheReceivedFigures() {
		this.lane.enqueue(frame("abc"), null, 0, null);
		this.lane.enqueue(frame("de"), null, 0, null);

		LaneStats stats = this.lane.stats(11, 222);

		assertThat(stats).isEqualTo(new LaneStats(PEER.id(), "default", 0, false, 2, 5, 0, 0, 11, 222, 0, 0));
	}

	/**
	 * Reports itself unwritable after {@value #LIMIT} writability checks, which stops any
	 * drain loop; the count tells how often the lane's drain ran.
	 */
	private static final class SpinGuardChannel extends EmbeddedChannel {

		static final int LIMIT = 1_000;

		int writabilityChecks;

		SpinGuardChannel(Lane lane) {
			super(lane.new WritabilityHandler());
		}

		@Override
		public boolean isWritable() {
			return ++this.writabilityChecks < LIMIT && super.isWritable();
		}

	}

	private void connect() {
		this.lane.connected(Connection.from(this.channel), frame("hello"));
	}

	private ByteBuf frame(String text) {
		ByteBuf frame = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		this.frames.add(frame);
		return frame;
	}

	/** What the lane's channel has written since the last call, as text, in order. */
	private List<String> written() {
		return drain(this.channel);
	}

	private static List<String> drain(EmbeddedChannel ch) {
		List<String> out = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			ByteBuf next = ch.readOutbound();
			if (next == null) {
				break;
			}
			out.add(next.toString(StandardCharsets.UTF_8));
			next.release();
		}
		return out;
	}

}
