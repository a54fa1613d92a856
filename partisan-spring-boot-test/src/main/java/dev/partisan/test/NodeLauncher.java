package dev.partisan.test;

import java.util.List;

import dev.partisan.api.Node;

/**
 * Starts one node of a cluster: a Spring Boot application or a plain runtime. The cluster
 * owns names, ports and seeds; a launcher only turns them into a running node.
 */
interface NodeLauncher {

	/**
	 * Starts node {@code name} on loopback {@code port}, joining through {@code seeds}
	 * (the nodes already running; empty for the first).
	 * @return the started node
	 */
	ClusterNode launch(String name, int port, List<Node> seeds);

}
