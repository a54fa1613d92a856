package dev.partisan.interpose;

/** Whether a message is leaving this node or arriving at it. */
public enum Direction {

	EGRESS, INGRESS

}
