package dev.partisan.demo.kv.vnode;

import org.jspecify.annotations.Nullable;

/**
 * A coordinator's request to one vnode: read a key, or write (merge) a value into it.
 *
 * @param op what to do
 * @param key the key
 * @param value the value to merge, for {@link Op#PUT}
 */
public record VnodeRequest(Op op, String key, @Nullable Versioned value) {

	public enum Op {

		GET, PUT

	}

	public static VnodeRequest get(String key) {
		return new VnodeRequest(Op.GET, key, null);
	}

	public static VnodeRequest put(String key, Versioned value) {
		return new VnodeRequest(Op.PUT, key, value);
	}

}
