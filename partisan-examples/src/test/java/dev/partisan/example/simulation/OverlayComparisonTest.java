package dev.partisan.example.simulation;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-server against peer-to-peer for one broadcast workload at 32, 256 and 1,024
 * nodes: the busiest node's load stays flat on peer-to-peer and grows with the cluster on
 * client-server. Counts, not time.
 */
class OverlayComparisonTest {

	private static final Logger logger = LoggerFactory.getLogger(OverlayComparisonTest.class);

	@Test
	void theBusiestNodeStaysFlatOnPeerToPeerAndGrowsWithTheClusterOnClientServer() {
		List<OverlayComparison.Row> rows = OverlayComparison.compare(List.of(32, 256, 1024), 1);
		ByteArrayOutputStream table = new ByteArrayOutputStream();
		OverlayComparison.print(rows, new PrintStream(table, true, StandardCharsets.UTF_8));
		logger.info("Broadcast cost by overlay:\n{}", table.toString(StandardCharsets.UTF_8));

		for (OverlayComparison.Row row : rows) {
			assertThat(row.p2pReach()).as("peer-to-peer reach at %d nodes", row.nodes()).isEqualTo(1.0);
		}
		OverlayComparison.Row small = rows.get(0);
		OverlayComparison.Row large = rows.get(2);
		assertThat(large.csBusiestNodePerBroadcast() / small.csBusiestNodePerBroadcast()).isGreaterThan(20);
		assertThat(large.p2pBusiestNodePerBroadcast()).isLessThan(large.csBusiestNodePerBroadcast() / 20);
	}

}
