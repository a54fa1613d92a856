package dev.partisan.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The stable name of a node in a cluster. Two nodes with the same name are the same
 * member: a node that restarts under its name replaces its earlier incarnation.
 *
 * @param name a non-blank name made of letters, digits and {@code . _ -}
 */
public record NodeId(String name) implements Comparable<NodeId> {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,255}");

	public NodeId {
		Objects.requireNonNull(name, "name");
		if (!VALID.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Invalid node name '" + name + "': use 1 to 255 letters, digits, '.', '_' or '-'");
		}
	}

	public static NodeId of(String name) {
		return new NodeId(name);
	}

	@Override
	public int compareTo(NodeId other) {
		return this.name.compareTo(other.name);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
