package dev.partisan.test;

import dev.partisan.api.DownReason;
import org.jspecify.annotations.Nullable;

/**
 * One membership change a node observed: another node came up, or went down and why.
 *
 * @param kind up or down
 * @param member the name of the node that changed
 * @param reason why it went down; {@code null} for {@link Kind#UP}
 */
public record MembershipChange(Kind kind, String member, @Nullable DownReason reason) {

	/** Whether the member became reachable or stopped being reachable. */
	public enum Kind {

		UP, DOWN

	}

	@Override
	public String toString() {
		return (this.kind == Kind.UP) ? "up " + this.member : "down " + this.member + " " + this.reason;
	}

}
