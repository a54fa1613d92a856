package dev.partisan.test.bulletin;

import java.time.Duration;

import dev.partisan.test.Fault;
import dev.partisan.test.PartisanCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dropped and delayed traffic between two nodes of the bulletin application: the nodes
 * stay members of each other, only the link's messages are hit.
 */
class BulletinLinkFaultTests {

	@RegisterExtension
	PartisanCluster cluster = PartisanCluster.spring(BulletinApplication.class).nodes(3).build();

	@Test
	void droppingAChannelBetweenTwoNodesLosesTheirMessagesBothWaysAndNoOneElses() {
		Fault fault = this.cluster.between("n1", "n2").onChannel("news").drop();
		bulletin("n1").publish("from-n1");
		bulletin("n2").publish("from-n2");
		this.cluster.await()
			.until("n3 to receive both bulletins",
					() -> bulletin("n3").received().containsAll(java.util.List.of("from-n1", "from-n2")));
		assertThat(this.cluster.node("n1").memberNames()).containsExactly("n1", "n2", "n3");

		fault.heal();
		bulletin("n1").publish("healed-n1");
		bulletin("n2").publish("healed-n2");
		this.cluster.await()
			.until("n1 and n2 to receive each other's bulletins after the heal",
					() -> bulletin("n1").received().contains("healed-n2")
							&& bulletin("n2").received().contains("healed-n1"));

		// One lane per pair on the channel: a dropped bulletin would have arrived first.
		assertThat(bulletin("n1").received()).doesNotContain("from-n2");
		assertThat(bulletin("n2").received()).doesNotContain("from-n1");
		assertThat(fault.affected()).isEqualTo(2);
	}

	@Test
	void aDelayedLinkDeliversLaterThanTheOthersAndInTheEnd() {
		Fault slow = this.cluster.between("n1", "n2").oneWay().delay(Duration.ofSeconds(5));
		bulletin("n1").publish("slow");
		this.cluster.await().until("n3 to receive 'slow'", () -> bulletin("n3").received().contains("slow"));
		assertThat(bulletin("n2").received()).isEmpty();

		this.cluster.await().until("n2 to receive 'slow' too", () -> bulletin("n2").received().contains("slow"));
		assertThat(slow.affected()).isEqualTo(1);
		this.cluster.await().membership();
	}

	private Bulletin bulletin(String node) {
		return this.cluster.bean(node, Bulletin.class);
	}

}
