package dev.partisan.demo.kv.kv;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.NodeId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two of three: as soon as two answer, and failing as soon as two cannot. */
class QuorumTests {

	private final Replica a = new Replica(17, "n1");

	private final Replica b = new Replica(18, "n2");

	private final Replica c = new Replica(19, "n3");

	private final Map<Replica, CompletableFuture<String>> replies = new LinkedHashMap<>();

	QuorumTests() {
		this.replies.put(this.a, new CompletableFuture<>());
		this.replies.put(this.b, new CompletableFuture<>());
		this.replies.put(this.c, new CompletableFuture<>());
	}

	@Test
	void completesWithTheFirstTwoRepliesWithoutWaitingForTheThird() {
		CompletableFuture<List<Quorum.Answer<String>>> quorum = Quorum.of(2, this.replies);
		this.replies.get(this.c).complete("from c");
		assertThat(quorum).isNotDone();
		this.replies.get(this.a).complete("from a");
		assertThat(quorum.join()).extracting(Quorum.Answer::replica).containsExactly(this.c, this.a);
	}

	@Test
	void aFailedReplicaIsToleratedWhileTwoOthersCanStillAnswer() {
		CompletableFuture<List<Quorum.Answer<String>>> quorum = Quorum.of(2, this.replies);
		this.replies.get(this.b)
			.completeExceptionally(new CallTimeoutException(NodeId.of("n2"), "vnode-18", Duration.ofSeconds(1)));
		assertThat(quorum).isNotDone();
		this.replies.get(this.a).complete("from a");
		this.replies.get(this.c).complete("from c");
		assertThat(quorum.join()).hasSize(2);
	}

	@Test
	void failsAsSoonAsTwoHaveFailedNamingWhoAnsweredAndWhyTheOthersDidNot() {
		CompletableFuture<List<Quorum.Answer<String>>> quorum = Quorum.of(2, this.replies);
		this.replies.get(this.a).complete("from a");
		this.replies.get(this.b).completeExceptionally(new IllegalStateException("n2 is down"));
		assertThat(quorum).isNotDone();
		this.replies.get(this.c).completeExceptionally(new IllegalStateException("n3 is down"));
		assertThatThrownBy(quorum::join).cause().isInstanceOfSatisfying(QuorumNotReachedException.class, (ex) -> {
			assertThat(ex.needed()).isEqualTo(2);
			assertThat(ex.answered()).containsExactly(this.a);
			assertThat(ex.failed()).containsOnlyKeys(this.b, this.c);
			assertThat(ex.failed().get(this.c)).contains("n3 is down");
			assertThat(ex.getMessage()).contains("vnode-17@n1");
		});
	}

}
