package dev.partisan.demo.kv.kv;

import java.util.List;
import java.util.Map;

/**
 * Fewer replicas answered than the quorum needs: says which answered and why the others
 * did not.
 */
public class QuorumNotReachedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int needed;

	private final transient List<Replica> answered;

	private final transient Map<Replica, String> failed;

	public QuorumNotReachedException(int needed, List<Replica> answered, Map<Replica, String> failed) {
		super("Quorum not reached: needed " + needed + " replies, " + answered.size() + " answered " + answered
				+ ", failed " + failed);
		this.needed = needed;
		this.answered = List.copyOf(answered);
		this.failed = Map.copyOf(failed);
	}

	public int needed() {
		return this.needed;
	}

	public List<Replica> answered() {
		return this.answered;
	}

	public Map<Replica, String> failed() {
		return this.failed;
	}

}
