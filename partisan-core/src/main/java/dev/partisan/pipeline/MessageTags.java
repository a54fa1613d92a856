package dev.partisan.pipeline;

/**
 * What a send and a receive observation are tagged with. The two contexts extend
 * different Micrometer context types, so they share this view rather than a superclass,
 * and the conventions build their key values from it in one place.
 */
public interface MessageTags {

	String channel();

	String overlay();

	String frameKind();

	String peer();

	String handler();

	String outcome();

}
