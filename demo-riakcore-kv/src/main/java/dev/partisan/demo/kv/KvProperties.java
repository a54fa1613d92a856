package dev.partisan.demo.kv;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo's own settings ({@code kv.*}); the defaults are the papers' case study.
 *
 * @param partitions partitions of the ring; every member must agree on it
 * @param replicas replicas of each key (N): the key's partition and the next ones
 * clockwise
 * @param readQuorum replies a get waits for (R)
 * @param writeQuorum replies a put waits for (W)
 * @param storageDelay simulated storage time of each vnode operation (1 ms in the paper:
 * a sequential seek of 1 MB)
 * @param requestTimeout how long a coordinator waits for one replica
 * @param gossipInterval how often each node sends its ring to the others
 * @param antiEntropyInterval how often each vnode sends its summaries to its fellow
 * replicas
 * @param handoffTimeout how long an old owner waits for the new owner to take a partition
 * @param handoffOnStop whether a node that stops gracefully first hands its partitions to
 * the others (the load generator turns it off to stop its throw-away clusters quickly)
 */
@ConfigurationProperties("kv")
public record KvProperties(@DefaultValue("64") int partitions, @DefaultValue("3") int replicas,
		@DefaultValue("2") int readQuorum, @DefaultValue("2") int writeQuorum,
		@DefaultValue("1ms") Duration storageDelay, @DefaultValue("2s") Duration requestTimeout,
		@DefaultValue("1s") Duration gossipInterval, @DefaultValue("2s") Duration antiEntropyInterval,
		@DefaultValue("5s") Duration handoffTimeout, @DefaultValue("true") boolean handoffOnStop) {

	public KvProperties {
		if (partitions < replicas || replicas < 1) {
			throw new IllegalArgumentException("kv.partitions (" + partitions + ") must be at least kv.replicas ("
					+ replicas + "), which must be at least 1");
		}
		if (readQuorum < 1 || readQuorum > replicas || writeQuorum < 1 || writeQuorum > replicas) {
			throw new IllegalArgumentException("kv.read-quorum (" + readQuorum + ") and kv.write-quorum (" + writeQuorum
					+ ") must be between 1 and kv.replicas (" + replicas + ")");
		}
	}

}
