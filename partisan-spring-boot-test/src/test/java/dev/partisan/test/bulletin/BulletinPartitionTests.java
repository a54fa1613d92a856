package dev.partisan.test.bulletin;

import dev.partisan.interpose.Partition;
import dev.partisan.test.PartisanCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's example, written as a user would with only the kit: a three-node cluster
 * of the bulletin application, one node partitioned away and then healed.
 */
class BulletinPartitionTests {

	@RegisterExtension
	PartisanCluster cluster = PartisanCluster.spring(BulletinApplication.class).nodes("n1", "n2", "n3").build();

	@Test
	void anIsolatedNodeMissesBulletinsPublishedDuringThePartitionAndGetsThoseAfterIt() {
		Partition partition = this.cluster.isolate("n3");
		this.cluster.await().members("n1", "n1", "n2");
		this.cluster.await().members("n3", "n3");

		bulletin("n1").publish("during");
		bulletin("n3").publish("alone");
		this.cluster.await()
			.until("n2 and n3 to receive what they published to",
					() -> bulletin("n2").received().contains("during") && bulletin("n3").received().contains("alone"));

		partition.heal();
		this.cluster.await().membership();
		bulletin("n1").publish("after");
		this.cluster.await()
			.until("every node to receive 'after'",
					() -> this.cluster.names().stream().allMatch((n) -> bulletin(n).received().contains("after")));

		assertThat(bulletin("n1").received()).containsExactly("during", "after");
		assertThat(bulletin("n2").received()).containsExactly("during", "after");
		assertThat(bulletin("n3").received()).containsExactly("alone", "after");
	}

	private Bulletin bulletin(String node) {
		return this.cluster.bean(node, Bulletin.class);
	}

}
