package dev.partisan.demo.kv.kv;

import java.util.List;

import dev.partisan.demo.kv.vnode.Versioned;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a get or put that reached its quorum.
 *
 * @param key the key
 * @param value the newest value among the replies (for a put, the one written), or
 * {@code null} when no replica that answered has the key
 * @param answered the replicas whose replies made the quorum
 */
public record KvResult(String key, @Nullable Versioned value, List<Replica> answered) {

	/** Whether there is a live value: a tombstone is a deleted key. */
	public boolean found() {
		return this.value != null && !this.value.isTombstone();
	}

}
