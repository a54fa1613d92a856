package dev.partisan.demo.lasp.sync;

/**
 * The answer to a stopping node's last state: the neighbour has merged it.
 *
 * @param node the neighbour that merged it
 * @param ads how many ads it merged
 */
public record FlushAck(String node, int ads) {
}
