package dev.partisan.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.PayloadView;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.ChannelSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large binary messages keep their bytes on every path that now shares buffers instead of
 * copying them (a payload wrapped behind its own header, a causal stamp or relay header
 * in front of it, a relaying node passing received bytes on, the retransmission store
 * holding the frame), and no buffer is leaked: Netty's leak detector runs PARANOID (every
 * buffer tracked) and a reported leak fails the test.
 */
class ZeroCopyDeliveryTest {

	/** More than one pooled piece (1 MiB), and not a multiple of any buffer size. */
	private static final int LARGE = 3 * 1024 * 1024 + 123;

	private static ResourceLeakDetector.Level previousLevel = ResourceLeakDetector.Level.SIMPLE;

	private final TestNodes nodes = new TestNodes();

	private final List<byte[]> received = new CopyOnWriteArrayList<>();

	private LogCapture leaks;

	@BeforeAll
	static void trackEveryBuffer() {
		previousLevel = ResourceLeakDetector.getLevel();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
	}

	@AfterAll
	static void restoreLeakDetection() {
		ResourceLeakDetector.setLevel(previousLevel);
	}

	@BeforeEach
	void watchForLeaks() {
		// Leaks of earlier tests in this JVM are reported on the next allocation after a
		// collection: flush them out before listening.
		collectAndAllocate();
		this.leaks = new LogCapture(ResourceLeakDetector.class);
	}

	@AfterEach
	void stopAndCheckForLeaks() {
		this.nodes.close();
		try {
			collectAndAllocate();
			assertThat(this.leaks.messages()).as("buffers Netty's leak detector saw unreleased")
				.noneMatch((m) -> m.contains("LEAK"));
		}
		finally {
			this.leaks.close();
		}
	}

	@Test
	void aLargeByteArrayArrivesIntactAndItsSenderMayReuseTheArrayAtOnce() {
		PartisanNode a = this.nodes.start("a");
		PartisanNode b = this.nodes.start("b");
		b.syncJoin(a.localNode()).join();
		collectInto(a);
		byte[] sent = randomBytes(LARGE, 1);
		byte[] original = sent.clone();

		b.forward(a.localNode().id(), "sink", sent, ForwardOptions.defaults());
		Arrays.fill(sent, (byte) 0);

		awaitReceived(1);
		assertThat(this.received.get(0)).isEqualTo(original);
	}

	@Test
	void aLargeDirectBufferIsHandedOverAndArrivesIntact() {
		PartisanNode a = this.nodes.start("a");
		PartisanNode b = this.nodes.start("b");
		b.syncJoin(a.localNode()).join();
		collectInto(a);
		byte[] bytes = randomBytes(LARGE, 2);
		ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

		b.forward(a.localNode().id(), "sink", direct, ForwardOptions.defaults());

		awaitReceived(1);
		assertThat(this.received.get(0)).isEqualTo(bytes);
	}

	@Test
	void aLargeMessageOnACompressedChannelArrivesIntactAsBytesAndAsAView() {
		ChannelSpec zipped = new ChannelSpec("zipped", 1, true);
		PartisanNode a = this.nodes.start("a", (c) -> c.channel(zipped));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel(zipped));
		b.syncJoin(a.localNode()).join();
		collectInto(a);
		collectViewsInto(a);
		byte[] sent = compressible(LARGE);

		b.forward(a.localNode().id(), "sink", sent, ForwardOptions.channel("zipped"));
		b.forward(a.localNode().id(), "view", sent, ForwardOptions.channel("zipped"));

		awaitReceived(2);
		assertThat(this.received).allMatch((got) -> Arrays.equals(got, sent));
	}

	@Test
	void aLargeCausalMessageArrivesIntactBehindItsStamp() {
		PartisanNode a = this.nodes.start("a");
		PartisanNode b = this.nodes.start("b");
		b.syncJoin(a.localNode()).join();
		collectInto(a);
		byte[] first = randomBytes(LARGE, 3);
		byte[] second = randomBytes(LARGE / 2, 4);

		b.forward(a.localNode().id(), "sink", first, ForwardOptions.defaults().causalLabel("order"));
		b.forward(a.localNode().id(), "sink", second, ForwardOptions.defaults().causalLabel("order"));

		awaitReceived(2);
		assertThat(this.received.get(0)).isEqualTo(first);
		assertThat(this.received.get(1)).isEqualTo(second);
	}

	@Test
	void aLargeMessageRelayedThroughAServerArrivesIntact() {
		relayThroughAServer(null);
	}

	/**
	 * With a secret every frame on every connection carries a MAC over the frame as it is
	 * on the wire (header and payload in separate buffers), and the relay carries the
	 * origin's MAC over the inner frame.
	 */
	@Test
	void aLargeMessageRelayedThroughAServerArrivesIntactWhenEveryFrameIsSigned() {
		relayThroughAServer("shared secret");
	}

	private void relayThroughAServer(@Nullable String secret) {
		PartisanNode server = this.nodes.start("s1",
				(c) -> c.overlay("client-server").tag("server").clusterSecret(secret));
		PartisanNode c1 = this.nodes.start("c1", (c) -> c.overlay("client-server").tag("client").clusterSecret(secret));
		PartisanNode c2 = this.nodes.start("c2", (c) -> c.overlay("client-server").tag("client").clusterSecret(secret));
		c1.join(server.localNode()).join();
		c2.join(server.localNode()).join();
		collectViewsInto(c2);
		byte[] sent = randomBytes(LARGE, 5);
		// c1 hears of c2 from the server a moment after the server knows it: until then
		// it has no route and the send fails at once.
		await().atMost(TestNodes.awaitLimit()).ignoreExceptions().until(() -> {
			c1.forward(NodeId.of("c2"), "view", sent, ForwardOptions.defaults());
			return true;
		});
		assertThat(c1.isConnected(NodeId.of("c2"))).as("c1 has no connection of its own to c2").isFalse();

		awaitReceived(1);
		assertThat(this.received.get(0)).isEqualTo(sent);
	}

	@Test
	void anAcknowledgedLargeMessageLostOnceIsRetransmittedIntactThoughItsSenderReusedTheArray() {
		PartisanNode a = this.nodes.start("a", (c) -> c.retransmitInterval(Duration.ofMillis(100)));
		PartisanNode b = this.nodes.start("b", (c) -> c.retransmitInterval(Duration.ofMillis(100)));
		b.syncJoin(a.localNode()).join();
		collectInto(a);
		b.faults().omit("lose-the-first", null, (MessageEvent e) -> e.kind().equals("DATA"), 1.0, 1);
		byte[] sent = randomBytes(LARGE, 6);
		byte[] original = sent.clone();

		b.forward(a.localNode().id(), "sink", sent, ForwardOptions.defaults().ack(true));
		Arrays.fill(sent, (byte) 1);

		awaitReceived(1);
		await().atMost(TestNodes.awaitLimit()).until(() -> b.deliveryStats().outstandingAcks() == 0);
		assertThat(b.deliveryStats().retransmits()).isPositive();
		assertThat(this.received.get(0)).isEqualTo(original);
	}

	private void collectInto(PartisanNode node) {
		node.register("sink", byte[].class, (bytes, meta) -> this.received.add(bytes));
	}

	/** A handler that reads the received bytes in place (and copies them to compare). */
	private void collectViewsInto(PartisanNode node) {
		node.register("view", PayloadView.class, (view, meta) -> this.received.add(view.toArray()));
	}

	private void awaitReceived(int count) {
		await().atMost(TestNodes.awaitLimit()).until(() -> this.received.size() >= count);
		assertThat(this.received).hasSize(count);
	}

	private static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/** Text-like bytes that deflate well, with some noise so no two blocks are equal. */
	private static byte[] compressible(int size) {
		byte[] bytes = new byte[size];
		Random random = new Random(7);
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) ((i % 64 < 60) ? 'a' + (i % 26) : random.nextInt());
		}
		return bytes;
	}

	/**
	 * A leak is reported when a tracked buffer that was collected unreleased is noticed,
	 * on a later allocation: collect, then allocate, a bounded number of times.
	 */
	private static void collectAndAllocate() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			for (int j = 0; j < 16; j++) {
				ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(64);
				probe.release();
			}
		}
	}

}
