package dev.partisan.test.bulletin;

import dev.partisan.api.DownReason;
import dev.partisan.test.MembershipChange;
import dev.partisan.test.PartisanCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Crashes, graceful stops and restarts of the bulletin application's nodes, through the
 * kit.
 */
class BulletinCrashTests {

	@RegisterExtension
	PartisanCluster cluster = PartisanCluster.spring(BulletinApplication.class).nodes(3).build();

	@Test
	void aCrashedNodeIsSeenUnreachableAndComesBackAtTheSameAddressWithAFreshContext() {
		int port = this.cluster.node("n2").port();
		bulletin("n1").publish("before");
		this.cluster.await().until("n2 to receive 'before'", () -> bulletin("n2").received().contains("before"));

		this.cluster.crash("n2");
		MembershipChange down = this.cluster.await().memberDown("n1", "n2");
		assertThat(down.reason()).isEqualTo(DownReason.UNREACHABLE);
		this.cluster.await().members("n3", "n1");
		assertThatIllegalStateException().isThrownBy(() -> this.cluster.node("n2")).withMessageContaining("crashed");

		this.cluster.restart("n2");
		this.cluster.await().membership();
		this.cluster.await().memberUp("n1", "n2");
		assertThat(this.cluster.node("n2").port()).isEqualTo(port);
		bulletin("n1").publish("back");
		this.cluster.await().until("n2 to receive 'back'", () -> bulletin("n2").received().contains("back"));
		assertThat(bulletin("n2").received()).containsExactly("back");
	}

	@Test
	void aStoppedNodeIsSeenToHaveLeft() {
		this.cluster.stop("n3");
		assertThat(this.cluster.await().memberDown("n1", "n3").reason()).isEqualTo(DownReason.LEFT);
		assertThat(this.cluster.await().memberDown("n2", "n3").reason()).isEqualTo(DownReason.LEFT);
		assertThat(this.cluster.names()).containsExactly("n1", "n2");
		this.cluster.await().membership();
	}

	private Bulletin bulletin(String node) {
		return this.cluster.bean(node, Bulletin.class);
	}

}
