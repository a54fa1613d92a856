package dev.partisan.spring.core;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;

import org.springframework.context.ApplicationEvent;

/**
 * A member of the cluster came up, went down or (peer-to-peer) moved out of view, as this
 * node sees it: the {@link dev.partisan.api.MembershipListener} calls as Spring
 * application events.
 */
public abstract class PartisanMembershipEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Node node;

	protected PartisanMembershipEvent(Object source, Node node) {
		super(source);
		this.node = node;
	}

	public Node getNode() {
		return this.node;
	}

	/** {@link #getNode()} is reachable now. */
	public static final class MemberUp extends PartisanMembershipEvent {

		private static final long serialVersionUID = 1L;

		public MemberUp(Object source, Node node) {
			super(source, node);
		}

	}

	/**
	 * {@link #getNode()} stopped being reachable: it left ({@link DownReason#LEFT}), or
	 * crashed, fell silent or is partitioned away ({@link DownReason#UNREACHABLE}).
	 */
	public static final class MemberDown extends PartisanMembershipEvent {

		private static final long serialVersionUID = 1L;

		private final DownReason reason;

		public MemberDown(Object source, Node node, DownReason reason) {
			super(source, node);
			this.reason = reason;
		}

		/** Whether it left for good or may come back. */
		public DownReason getReason() {
			return this.reason;
		}

	}

	/**
	 * {@link #getNode()} is no longer one of this node's members but has not gone down:
	 * on peer-to-peer it moved from the active view to the passive view and is still in
	 * the cluster. No {@link MemberDown} follows; a {@link MemberUp} does if it comes
	 * back into view.
	 */
	public static final class MemberOutOfView extends PartisanMembershipEvent {

		private static final long serialVersionUID = 1L;

		public MemberOutOfView(Object source, Node node) {
			super(source, node);
		}

	}

}
