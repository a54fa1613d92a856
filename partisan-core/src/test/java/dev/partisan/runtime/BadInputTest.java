package dev.partisan.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.JoinException;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.Node;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import dev.partisan.testing.WireClient;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import dev.partisan.wire.StringPayloadCodec;
import dev.partisan.wire.TraceHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bad input closes the one connection that carried it, says why, and loses nothing else.
 */
class BadInputTest {

	/** A type that is on the class path but on no allow-list. */
	record NotAllowed(String value) {
	}

	private static final int MAX_FRAME = 1024 * 1024;

	private final TestNodes nodes = new TestNodes();

	private final LogCapture inboundLog = new LogCapture(
			dev.partisan.transport.Transport.class.getPackageName() + ".InboundHandler");

	private final LogCapture mailboxLog = new LogCapture(Dispatcher.class.getPackageName() + ".Mailbox");

	private PartisanNode a;

	private PartisanNode b;

	private final List<Object> inbox = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startTwoHealthyNodes() {
		this.a = this.nodes.start("a", (c) -> c.maxFrameSize(MAX_FRAME));
		this.b = this.nodes.start("b", (c) -> c.maxFrameSize(MAX_FRAME));
		this.b.syncJoin(this.a.localNode()).join();
		this.a.register("inbox", Object.class, (payload, meta) -> this.inbox.add(payload));
	}

	@AfterEach
	void stop() {
		this.nodes.close();
		this.inboundLog.close();
		this.mailboxLog.close();
	}

	@Test
	void garbageBytesCloseThatConnectionWithALoggedReason() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.a.localNode().port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
			assertThat(readUntilClosed(socket.getInputStream())).isEqualTo(-1);
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inboundLog.contains("Closing connection from"));
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aFrameLongerThanTheLimitClosesThatConnection() throws IOException {
		try (WireClient intruder = new WireClient(this.a.localNode().port())) {
			intruder.handshake(WireClient.hello("intruder", "default"), null);
			intruder.write(new byte[] { 0x00, 0x20, 0x00, 0x00 }); // a 2 MiB frame
																	// announced,
																	// limit 1 MiB
			intruder.write(new byte[4096]);
			assertThat(intruder.closedByPeer()).isTrue();
		}
		await().atMost(TestNodes.awaitLimit())
			.until(() -> this.inboundLog.messages()
				.stream()
				.anyMatch((m) -> m.contains("intruder") && m.contains("exceeds " + MAX_FRAME)));
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aMalformedTraceSectionDropsThatFrameAloneAndTheConnectionCarriesTheNext() throws IOException {
		try (WireClient intruder = new WireClient(this.a.localNode().port())) {
			intruder.handshake(WireClient.hello("intruder", "default"), null);
			ByteBuf traced = FrameCodec.encode(ByteBufAllocator.DEFAULT,
					text("intruder", "dropped").withTrace(java.util.Map.of("traceparent", "00-x")));
			byte[] bytes = ByteBufUtil.getBytes(traced);
			traced.release();
			// The section's entry count, past length, version, kind, flags, id and the
			// header's strings: more entries than a section may hold.
			int count = 4 + 1 + 1 + 2 + 8 + (1 + "default".length()) + (1 + "intruder".length()) + 2
					+ (2 + "inbox".length()) + 1 + 2;
			bytes[count] = (byte) (TraceHeaders.MAX_ENTRIES + 1);
			intruder.write(bytes);
			intruder.send(text("intruder", "kept"));
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.inbox).containsExactly("kept"));
		}
		assertThat(this.inboundLog.messages())
			.anyMatch((m) -> m.contains("Dropped frame from intruder") && m.contains("17 fields"))
			.noneMatch((m) -> m.contains("Closing connection"));
		assertHealthyTrafficStillFlows();
	}

	private static Frame text(String sender, String text) {
		return new Frame(FrameKind.DATA, 0, 1, "default", sender, "", "inbox", StringPayloadCodec.ID, "",
				ByteBufAllocator.DEFAULT.buffer().writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
	}

	@Test
	void aConnectionThatDoesNotStartWithAHelloIsClosed() throws IOException {
		ByteBuf data = FrameCodec.encode(ByteBufAllocator.DEFAULT, new Frame(FrameKind.DATA, 0, 1, "default", "x", "",
				"inbox", (byte) 2, "", ByteBufAllocator.DEFAULT.buffer().writeByte('x')));
		try (Socket socket = new Socket("127.0.0.1", this.a.localNode().port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(ByteBufUtil.getBytes(data));
			assertThat(readUntilClosed(socket.getInputStream())).isEqualTo(-1);
		}
		data.release();
		await().atMost(TestNodes.awaitLimit()).until(() -> this.inboundLog.contains("expected a hello first"));
		assertThat(this.inbox).isEmpty();
		assertHealthyTrafficStillFlows();
	}

	@Test
	void sendingAMessageLargerThanTheLimitFailsAtOnce() {
		assertThatThrownBy(() -> this.b.forward(this.a.localNode().id(), "inbox", new byte[MAX_FRAME + 1]))
			.isInstanceOf(MessageTooLargeException.class)
			.hasMessageContaining("exceeds the maximum frame size of " + MAX_FRAME);
		assertHealthyTrafficStillFlows();
	}

	@Test
	void aPayloadTypeThatIsNotAllowListedIsRejectedAndLaterMessagesArrive() {
		ForwardOptions sameLane = ForwardOptions.defaults().partitionKey("k");
		this.b.forward(this.a.localNode().id(), "inbox", new NotAllowed("gadget"), sameLane);
		this.b.forward(this.a.localNode().id(), "inbox", "after", sameLane);
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.inbox).containsExactly("after"));
		assertThat(this.mailboxLog.messages()).anyMatch((m) -> m.contains(NotAllowed.class.getName())
				&& m.contains("is not allow-listed") && m.contains("handler 'inbox'"));
		assertThat(this.b.isConnected(this.a.localNode().id())).isTrue();
	}

	@Test
	void aPeerWithoutTheClusterSecretIsTurnedAway() {
		PartisanNode guarded = this.nodes.start("guarded",
				(c) -> c.clusterSecret("right").joinTimeout(java.time.Duration.ofSeconds(2)));
		PartisanNode wrong = this.nodes.start("wrong",
				(c) -> c.clusterSecret("wrong").joinTimeout(java.time.Duration.ofSeconds(2)));
		assertThatThrownBy(() -> wrong.join(guarded.localNode()).join()).hasCauseInstanceOf(JoinException.class);
		assertThat(this.inboundLog.messages()).anyMatch((m) -> m.contains("does not have the cluster secret"));
		assertThat(guarded.members()).extracting(Node::name).containsExactly("guarded");

		PartisanNode friend = this.nodes.start("friend", (c) -> c.clusterSecret("right"));
		friend.join(guarded.localNode()).join();
		assertThat(friend.members()).extracting(Node::name).contains("guarded");
	}

	private void assertHealthyTrafficStillFlows() {
		this.b.forward(this.a.localNode().id(), "inbox", "still here");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.inbox).contains("still here"));
	}

	/**
	 * Reads until the server closes the socket and returns -1; a reset (the server closed
	 * with our bytes unread) is a close too. Bounded by the socket timeout.
	 */
	private static int readUntilClosed(InputStream in) throws IOException {
		byte[] buffer = new byte[1024];
		try {
			while (in.read(buffer) >= 0) {
				// the server sends nothing on accepted connections; keep reading until it
				// closes
			}
		}
		catch (java.net.SocketException ex) {
			if (!String.valueOf(ex.getMessage()).contains("reset")) {
				throw ex;
			}
		}
		return -1;
	}

}
