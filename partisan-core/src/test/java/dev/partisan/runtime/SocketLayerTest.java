package dev.partisan.runtime;

import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.NettyTransport;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node runs on Netty's native epoll transport where it loads and on Java NIO elsewhere,
 * and says which, in its transport details (the actuator's) and in its log.
 */
class SocketLayerTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aNodeSaysWhichSocketLayerItRunsOnAndWhy() {
		try (LogCapture log = new LogCapture(NettyTransport.class)) {
			PartisanNode node = this.nodes.start("a");

			String expected = Epoll.isAvailable() ? "epoll" : "nio";
			assertThat(node.transportDetails()).containsEntry("io", expected);
			assertThat(log.messages()).anyMatch((line) -> line.startsWith("Node a runs its connections on ")
					&& line.contains(expected.equals("epoll") ? "native epoll" : "Java NIO"));
		}
	}

}
