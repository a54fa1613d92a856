package dev.partisan.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.Node;
import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import dev.partisan.testing.WireClient;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.Hello;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The attacks of the security review, as an attacker on the same host would make them: a
 * client built from the wire format ({@link WireClient}) against a node with a cluster
 * secret. Each must fail to do harm, and the node must keep serving its real peer.
 */
class HandshakeAttackTest {

	private static final String SECRET = "correct horse battery staple";

	private final TestNodes nodes = new TestNodes();

	private final LogCapture inboundLog = new LogCapture(
			dev.partisan.transport.Transport.class.getPackageName() + ".InboundHandler");

	private final LogCapture overlayLog = new LogCapture(dev.partisan.membership.FullMeshOverlay.class);

	private final List<String> inbox = new CopyOnWriteArrayList<>();

	private PartisanNode a;

	private PartisanNode b;

	@BeforeEach
	void startTwoNodesWithASecret() {
		this.a = this.nodes.start("a", (c) -> c.clusterSecret(SECRET).connectTimeout(java.time.Duration.ofMillis(500)));
		this.b = this.nodes.start("b", (c) -> c.clusterSecret(SECRET));
		this.b.syncJoin(this.a.localNode()).join();
		this.a.register("inbox", String.class, (text, meta) -> this.inbox.add(meta.sender().name() + ":" + text));
	}

	@AfterEach
	void stop() {
		this.nodes.close();
		this.inboundLog.close();
		this.overlayLog.close();
	}

	@Test
	void aReplayedHelloAndProofFromACapturedHandshakeAreRefused() throws IOException {
		// Record what a node with the secret sends while opening a session as "b".
		ByteArrayOutputStream recorded = new ByteArrayOutputStream();
		try (WireClient genuine = new WireClient(this.a.localNode().port())) {
			Hello hello = WireClient.hello("b", "default");
			Handshake handshake = Handshake.dialling(dev.partisan.wire.Hmac.of(SECRET), hello);
			byte[] helloBytes = frameBytes(FrameKind.HELLO, "b",
					hello.encode(ByteBufAllocator.DEFAULT, Hello.secretBytes(SECRET)));
			genuine.write(helloBytes);
			Frame challenge = genuine.read();
			byte[] proofBytes = frameBytes(FrameKind.PROOF, "b",
					handshake.proof(ByteBufAllocator.DEFAULT, challenge.payload()));
			challenge.release();
			genuine.write(proofBytes);
			genuine.read().release();
			recorded.write(helloBytes);
			recorded.write(proofBytes);
		}

		// Replay it on a new connection, without the secret, as the attacker did.
		try (WireClient replay = new WireClient(this.a.localNode().port())) {
			replay.write(recorded.toByteArray());
			assertThat(replay.read().kind()).isEqualTo(FrameKind.CHALLENGE);
			assertThat(replay.closedByPeer()).isTrue();
		}
		await().atMost(TestNodes.awaitLimit())
			.until(() -> this.inboundLog.contains("did not prove the cluster secret for this connection"));
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aClientWithoutTheSecretLearnsNeitherTheNodesNameNorGetsAMessageIn() throws IOException {
		try (WireClient stranger = new WireClient(this.a.localNode().port())) {
			assertThatThrownBy(() -> stranger.handshake(WireClient.hello("b", ChannelSpecNames.IDENTIFY), "guess"))
				.isInstanceOf(IOException.class);
		}
		try (WireClient stranger = new WireClient(this.a.localNode().port())) {
			// A hello as captured from b's traffic (signed), replayed: it only earns a
			// challenge.
			stranger.send(FrameKind.HELLO, "b",
					WireClient.hello("b", "default").encode(ByteBufAllocator.DEFAULT, Hello.secretBytes(SECRET)));
			Frame challenge = stranger.read();
			assertThat(challenge.payload().readableBytes()).as("a challenge says nothing of who answers")
				.isEqualTo(1 + 32);
			assertThat(challenge.sender()).isEqualTo("a");
			challenge.release();
			stranger.send(dataFrame("b", "smuggled"));
			assertThat(stranger.closedByPeer()).isTrue();
		}
		assertThat(this.inbox).doesNotContain("b:smuggled");
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aFrameWithoutItsSessionMacIsRefusedEvenAfterAGenuineHandshake() throws IOException {
		try (WireClient insider = new WireClient(this.a.localNode().port())) {
			// As b at b's own address: b's name from another address is refused as taken.
			insider.handshake(new Hello(this.b.localNode(), 1, "default", 0, System.currentTimeMillis()), SECRET);
			// Frames without their MAC: the second frame's first bytes are read as the
			// first one's MAC.
			insider.send(dataFrame("b", "unsigned-1"));
			insider.send(dataFrame("b", "unsigned-2"));
			assertThat(insider.closedByPeer()).isTrue();
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inboundLog.contains("failed its MAC check"));
		assertThat(this.inbox).noneMatch((m) -> m.contains("unsigned"));
		assertHealthyTrafficStillFlows();
	}

	@Test
	void largeFramesAnnouncedBeforeTheHandshakeAreRefusedAtOnce() throws IOException {
		List<WireClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 12; i++) {
				WireClient client = new WireClient(this.a.localNode().port());
				clients.add(client);
				client.write(new byte[] { 0x04, 0x00, 0x00, 0x00 }); // a 64 MiB frame
																		// announced
				client.write(new byte[8192]);
			}
			for (WireClient client : clients) {
				assertThat(client.closedByPeer()).isTrue();
			}
		}
		finally {
			for (WireClient client : clients) {
				client.close();
			}
		}
		assertThat(this.inboundLog.messages()).filteredOn((m) -> m.contains("before the handshake completes"))
			.hasSizeGreaterThanOrEqualTo(1);
		assertHealthyTrafficStillFlows();
	}

	@Test
	void connectionsThatNeverFinishTheHandshakeAreClosedAfterTheTimeOut() throws IOException {
		List<WireClient> clients = new ArrayList<>();
		try {
			// As many as the review opened: past 256 handshakes in progress they are
			// closed at
			// once, the others when the time-out passes.
			for (int i = 0; i < 500; i++) {
				WireClient client = new WireClient(this.a.localNode().port());
				clients.add(client);
				if (i % 2 == 0) {
					client.write(new byte[] { 0x00 }); // one byte, then silence
				}
			}
			for (WireClient client : clients) {
				assertThat(client.closedByPeer()).as("closed by the node within the handshake time-out").isTrue();
			}
		}
		finally {
			for (WireClient client : clients) {
				client.close();
			}
		}
		assertThat(this.inboundLog.messages()).anyMatch((m) -> m.contains("no handshake within"));
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aNodeWithTheWrongSecretIsNeverAMember() {
		PartisanNode wrong = this.nodes.start("wrong",
				(c) -> c.clusterSecret("wrong").joinTimeout(java.time.Duration.ofSeconds(2)));
		assertThatThrownBy(() -> wrong.join(this.a.localNode()).join()).hasCauseInstanceOf(Exception.class);
		assertThat(this.a.members()).extracting(Node::name).containsExactlyInAnyOrder("a", "b");
		assertHealthyTrafficStillFlows();
	}

	@Test
	void withoutASecretAStrangersLeaveRequestIsIgnored() throws IOException {
		PartisanNode open = this.nodes.start("open");
		PartisanNode friend = this.nodes.start("friend");
		friend.syncJoin(open.localNode()).join();
		try (WireClient mallory = new WireClient(open.localNode().port())) {
			mallory.handshake(WireClient.hello("mallory", dev.partisan.transport.ChannelSpec.CONTROL), null);
			mallory.send(new Frame(FrameKind.CONTROL, 0, 1, dev.partisan.transport.ChannelSpec.CONTROL, "mallory", "",
					"full-mesh.leave", (byte) 0, "full-mesh.leave",
					Unpooled.copiedBuffer("{\"reason\":\"forged\"}", java.nio.charset.StandardCharsets.UTF_8)));
			// The request arrived: the connection stays open, the node just does not
			// obey.
			await().atMost(TestNodes.awaitLimit())
				.until(() -> this.overlayLog.contains("ignored a request to leave the cluster from mallory"));
		}
		assertThat(open.members()).extracting(Node::name).containsExactlyInAnyOrder("open", "friend");
		assertThat(friend.members()).extracting(Node::name).containsExactlyInAnyOrder("open", "friend");
	}

	@Test
	void aNodeWithTheWrongSecretLogsAFewLinesNotOnePerAttempt() {
		try (LogCapture dialler = new LogCapture(
				dev.partisan.transport.Transport.class.getPackageName() + ".NettyTransport")) {
			PartisanNode wrong = this.nodes.start("wrong",
					(c) -> c.clusterSecret("wrong")
						.joinTimeout(java.time.Duration.ofSeconds(3))
						.reconnectBackoff(java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(5)));
			assertThatThrownBy(() -> wrong.join(this.a.localNode()).join()).isNotNull();
			long refusedOnA = this.inboundLog.messages()
				.stream()
				.filter((m) -> m.contains("Closing connection"))
				.count();
			long failedOnWrong = dialler.messages().stream().filter((m) -> m.contains("Handshake of")).count();
			// Three seconds of redialling with a 50 ms first back-off: one line on each
			// side, not one per attempt.
			assertThat(refusedOnA).isBetween(1L, 2L);
			assertThat(failedOnWrong).isBetween(1L, 2L);
		}
		assertHealthyTrafficStillFlows();
	}

	private void assertHealthyTrafficStillFlows() {
		this.b.forward(this.a.localNode().id(), "inbox", "still here");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.inbox).contains("b:still here"));
	}

	private static Frame dataFrame(String sender, String text) {
		return new Frame(FrameKind.DATA, 0, 1, "default", sender, "", "inbox", StringPayloadCodec.ID, "",
				Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8));
	}

	private static byte[] frameBytes(FrameKind kind, String sender, ByteBuf payload) {
		ByteBuf frame = FrameCodec.encode(ByteBufAllocator.DEFAULT,
				Frame.of(kind, 0, "default", sender).withPayload(payload));
		try {
			return ByteBufUtil.getBytes(frame);
		}
		finally {
			frame.release();
		}
	}

	/** The identify probe's channel name, as a node dials it. */
	private static final class ChannelSpecNames {

		static final String IDENTIFY = dev.partisan.transport.ChannelSpec.IDENTIFY;

	}

}
