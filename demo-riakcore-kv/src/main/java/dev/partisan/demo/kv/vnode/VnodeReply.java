package dev.partisan.demo.kv.vnode;

import org.jspecify.annotations.Nullable;

/**
 * A vnode's answer: what it holds for the key after the request (for a put, the winner of
 * the merge).
 *
 * @param partition the vnode's partition
 * @param node the node it runs on
 * @param value what it holds, or {@code null} when it has nothing for the key
 */
public record VnodeReply(int partition, String node, @Nullable Versioned value) {
}
