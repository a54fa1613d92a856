package dev.partisan.demo.lasp.scale;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.partisan.demo.lasp.core.AdUpdate;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.demo.lasp.crdt.AdStateFormat;
import dev.partisan.demo.lasp.crdt.GCounter;
import dev.partisan.demo.lasp.scale.ScaleRun.Result;
import dev.partisan.demo.lasp.scale.ScaleRun.Topology;
import dev.partisan.demo.lasp.sync.AdUpdateCodec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale experiment, small: the counter's own code on 32 and 128 simulated nodes per
 * overlay, with the papers' intervals and a threshold for about one minute of views.
 * Asserts outcomes and the direction of the comparison, not tuned numbers.
 */
class ScaleExperimentTests {

	private static final ScaleSettings QUICK = ScaleSettings.papers().withMinutes(1, Duration.ofMinutes(10));

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void everyAdIsDisabledEverywhereOnBothOverlaysAndPeerToPeerPaysInBytesWhatClientServerPaysAtItsServer() {
		Result cs32 = ScaleExperiment.run(Topology.CLIENT_SERVER, 32, QUICK);
		Result cs128 = ScaleExperiment.run(Topology.CLIENT_SERVER, 128, QUICK);
		Result p2p32 = ScaleExperiment.run(Topology.PEER_TO_PEER, 32, QUICK);
		Result p2p128 = ScaleExperiment.run(Topology.PEER_TO_PEER, 128, QUICK);
		for (Result run : List.of(cs32, cs128, p2p32, p2p128)) {
			assertThat(run.converged()).as("%s %d converged", run.topology(), run.nodes()).isTrue();
			assertThat(run.disabledAfter()).as("%s %d all disabled", run.topology(), run.nodes()).isNotNull();
			// Every ad reached its threshold: at least that many views of each were made.
			assertThat(run.views()).isGreaterThanOrEqualTo(run.threshold() * QUICK.ads().size());
		}
		// Client-server funnels everything through its server...
		assertThat(cs128.busiestNode()).startsWith("s");
		assertThat(cs128.busiestBytesPerInterval()).isGreaterThan(p2p128.busiestBytesPerInterval());
		double csGrowth = (double) cs128.busiestBytesPerInterval() / cs32.busiestBytesPerInterval();
		double p2pGrowth = (double) p2p128.busiestBytesPerInterval() / p2p32.busiestBytesPerInterval();
		assertThat(csGrowth).isGreaterThan(p2pGrowth);
		// ...while peer-to-peer's redundant links send more bytes in total.
		assertThat(p2p32.bytes()).isGreaterThan(cs32.bytes());
		assertThat(p2p128.bytes()).isGreaterThan(cs128.bytes());
	}

	@Test
	void aStateFrameIsTheRealFrameAndReadsBackAsTheSameUpdate() {
		FrameCodecs codecs = new FrameCodecs();
		AdUpdate update = new AdUpdate("ad-1", new AdState(40, new GCounter(Map.of("c1#x", 3L, "c2#y", 5L)), false));
		FrameCodecs.SenderCache cache = new FrameCodecs.SenderCache();
		byte[] frame = codecs.encode("c1", update, cache);
		int length = ((frame[0] & 0xff) << 24) | ((frame[1] & 0xff) << 16) | ((frame[2] & 0xff) << 8)
				| (frame[3] & 0xff);
		assertThat(length).isEqualTo(frame.length - FrameCodec.LENGTH_FIELD_SIZE);
		// Its payload is what the demo's own codec writes for the update.
		Frame read = FrameCodec.decode(Unpooled.wrappedBuffer(frame, FrameCodec.LENGTH_FIELD_SIZE,
				frame.length - FrameCodec.LENGTH_FIELD_SIZE));
		try {
			assertThat(read.codecId()).isEqualTo(AdUpdateCodec.ID);
			assertThat(ByteBufUtil.getBytes(read.payload()))
				.isEqualTo(new AdStateFormat().write(update.ad(), update.state()));
		}
		finally {
			read.release();
		}
		assertThat(codecs.decode(frame)).isEqualTo(update);
		// The same state object is encoded once; a new state is encoded anew.
		assertThat(codecs.encode("c1", update, cache)).isSameAs(frame);
		AdUpdate later = new AdUpdate("ad-1", update.state().viewedBy("c1#x"));
		assertThat(codecs.encode("c1", later, cache)).isNotSameAs(frame);
		assertThat(codecs.decode(codecs.encode("c1", later, cache)).state().total()).isEqualTo(9);
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void withFewerViewersOnlyTheyCountAndTheRunStillEndsEverywhere() {
		ScaleSettings eight = QUICK.withViewers(8);
		ScaleRun run = new ScaleRun(Topology.PEER_TO_PEER, 64, eight);
		Result result = run.run();
		assertThat(result.converged()).isTrue();
		assertThat(result.threshold()).isEqualTo(eight.thresholdFor(63)).isEqualTo(QUICK.thresholdFor(8));
		assertThat(result.views()).isGreaterThanOrEqualTo(result.threshold() * QUICK.ads().size());
		for (var app : run.applications().values()) {
			for (AdState ad : app.replica().snapshot().ads().values()) {
				assertThat(ad.views().counts()).as("entries: one per viewing client").hasSizeLessThanOrEqualTo(8);
			}
		}
		assertThat(ScaleExperiment.csv(List.of(result), eight)).contains(",8\n");
	}

	@Test
	void theThresholdMakesTheViewsLastTheConfiguredMinutes() {
		ScaleSettings papers = ScaleSettings.papers();
		// 1,000 clients view 100 ads a second; over 30 minutes, 180,000 views, 36,000
		// per ad.
		assertThat(papers.thresholdFor(1000)).isEqualTo(36_000);
		// 100 Mbit/s over 5 s.
		assertThat(papers.linkBytesPerInterval()).isEqualTo(62_500_000);
	}

}
