package dev.partisan.demo.kv;

/**
 * The three kinds of traffic the papers separate. The code always names them; whether
 * they get their own connections is configuration: the {@code partisan} profile
 * configures them, the {@code baseline} profile does not, and a channel a node does not
 * configure travels on the default channel.
 */
public final class Channels {

	/**
	 * Requests to vnodes (gets, puts, echoes); the partition index is the partition key.
	 */
	public static final String VNODE = "vnode";

	/** Background data: anti-entropy summaries and repairs, handoff. */
	public static final String METADATA = "metadata";

	/** The ring, gossiped between members. */
	public static final String GOSSIP = "gossip";

	private Channels() {
	}

}
