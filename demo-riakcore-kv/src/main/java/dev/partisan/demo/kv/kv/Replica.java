package dev.partisan.demo.kv.kv;

/**
 * One place a key lives: the vnode of {@code partition} on {@code node}.
 *
 * @param partition the vnode's partition
 * @param node its owner when the request was sent
 */
public record Replica(int partition, String node) {

	@Override
	public String toString() {
		return "vnode-" + this.partition + "@" + this.node;
	}

}
