package dev.partisan.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One lane's queue and connection, on Netty's embedded channel: no socket, and the event loop runs its
 * tasks only when the test calls {@link EmbeddedChannel#runPendingTasks()}, so what was written before and
 * after each step is exact.
 */
class LaneTest {

	private static final Node PEER = Node.of("peer", "127.0.0.1", 10100);

	private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

	/** At most three messages or 100 bytes queued; a back-off of hours, so no test can outwait it by chance. */
	private static final TransportSettings SETTINGS = new TransportSettings(
			List.of(new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, 1, false)), true, 1 << 20, 1 << 20,
			Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofHours(4), Duration.ofSeconds(1), 1, 3, 100, 16, 1,
			null, Duration.ofHours(1));

	private final PeerLanes peer = new PeerLanes(PEER, SETTINGS);

	private final Lane lane = new Lane(this.peer, ForwardOptions.DEFAULT_CHANNEL, 0, SETTINGS, false);

	private final EmbeddedChannel channel = new EmbeddedChannel(this.lane.new WritabilityHandler());

	/** Every frame the test made, to check that the lane released those it did not write. */
	private final List<ByteBuf> frames = new ArrayList<>();

	@AfterEach
	void closeAndCheckThatNoFrameLeaked() {
		this.lane.close();
		this.channel.finishAndReleaseAll();
		assertThat(this.frames).as("frames still referenced").allMatch((frame) -> frame.refCnt() == 0);
	}

	@Test
	void aDelayedFrameDoesNotKeepTheEventLoopBusyWhileItWaits() {
		// Regression: the drain that found its head delayed scheduled itself again at once, so the event
		// loop ran it over and over until the delay passed. The guard channel ends such a spin and counts it.
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

	/**
	 * Reports itself unwritable after {@value #LIMIT} writability checks, which stops any drain loop; the
	 * count tells how often the lane's drain ran.
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

	private ByteBuf frame(String text) {
		ByteBuf frame = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		this.frames.add(frame);
		return frame;
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
