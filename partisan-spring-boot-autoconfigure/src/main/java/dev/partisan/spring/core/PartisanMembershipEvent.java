package dev.partisan.spring.core;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;

import org.springframework.context.ApplicationEvent;

/** A member of the cluster came up or went down, as this node sees it. */
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

}
