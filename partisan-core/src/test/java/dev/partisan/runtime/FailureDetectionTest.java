package dev.partisan.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member whose heartbeats stop is down even while its connections stay open, and up
 * when they resume.
 */
class FailureDetectionTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void silenceOnOpenConnectionsMarksAMemberDownUntilItSpeaksAgain() throws InterruptedException {
		PartisanNode watcher = this.nodes.start("watcher");
		PartisanNode frozen = this.nodes.start("frozen");
		frozen.join(watcher.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> watcher.members().size() == 2);
		List<String> events = new CopyOnWriteArrayList<>();
		watcher.addMembershipListener(new MembershipListener() {
			@Override
			public void memberUp(Node node) {
				events.add("up " + node.name());
			}

			@Override
			public void memberDown(Node node) {
				events.add("down " + node.name());
			}
		});

		// Freeze the node's control thread (which sends its heartbeats) inside one of its
		// own listeners,
		// set off by a third node joining it. Its sockets stay open throughout.
		CountDownLatch thaw = new CountDownLatch(1);
		CountDownLatch frozenNow = new CountDownLatch(1);
		frozen.addMembershipListener(new MembershipListener() {
			@Override
			public void memberUp(Node node) {
				if (node.name().equals("trigger")) {
					frozenNow.countDown();
					try {
						thaw.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
		});
		PartisanNode trigger = this.nodes.start("trigger");
		trigger.join(frozen.localNode());
		assertThat(frozenNow.await(20, TimeUnit.SECONDS)).isTrue();

		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(events).contains("down frozen"));
		assertThat(watcher.isConnected(frozen.localNode().id())).as("its connection is still open").isTrue();
		assertThat(watcher.members()).extracting(Node::name).doesNotContain("frozen");

		thaw.countDown();
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(events).endsWith("up frozen"));
		assertThat(watcher.members()).extracting(Node::name).contains("frozen");
	}

}
