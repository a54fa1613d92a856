package dev.partisan.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Bounded waits on a {@link PartisanCluster}: each returns as soon as its condition holds
 * and fails after the timeout with an {@link AssertionError} that says what was expected
 * and what each node saw (its members, or that it crashed or stopped).
 */
public final class ClusterAwait {

	private static final long POLL_MILLIS = 20;

	private final PartisanCluster cluster;

	private final Duration timeout;

	ClusterAwait(PartisanCluster cluster, Duration timeout) {
		this.cluster = cluster;
		this.timeout = timeout;
	}

	/** Until every running node sees exactly the running nodes as members. */
	public void membership() {
		poll(() -> "every running node to see exactly " + new TreeSet<>(this.cluster.names()),
				() -> this.cluster.converged() ? Optional.of(Boolean.TRUE) : Optional.empty(), () -> "");
	}

	/**
	 * Until {@code node} sees exactly {@code members} up: itself included, whether named
	 * or not.
	 */
	public void members(String node, String... members) {
		Set<String> expected = new TreeSet<>(Arrays.asList(members));
		expected.add(node);
		poll(() -> node + " to see exactly " + expected, () -> this.cluster.node(node).memberNames().equals(expected)
				? Optional.of(Boolean.TRUE) : Optional.empty(), () -> "");
	}

	/**
	 * Until the latest membership change {@code observer} saw for {@code member} is a
	 * down: returns it, with the reason ({@code UNREACHABLE} after a crash or partition,
	 * {@code LEFT} after a graceful stop).
	 */
	public MembershipChange memberDown(String observer, String member) {
		return latest(observer, member, MembershipChange.Kind.DOWN);
	}

	/**
	 * Until the latest membership change {@code observer} saw for {@code member} is an
	 * up.
	 */
	public MembershipChange memberUp(String observer, String member) {
		return latest(observer, member, MembershipChange.Kind.UP);
	}

	/** Until {@code condition} holds; {@code what} describes it in the failure. */
	public void until(String what, BooleanSupplier condition) {
		poll(() -> what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), () -> "");
	}

	/**
	 * Until {@code assertion} passes (an AssertJ or JUnit assertion, say); the failure
	 * carries its last error.
	 */
	public void untilAsserted(Runnable assertion) {
		poll(() -> "the assertion to pass", () -> {
			assertion.run();
			return Optional.of(Boolean.TRUE);
		}, () -> "");
	}

	private MembershipChange latest(String observer, String member, MembershipChange.Kind kind) {
		return poll(() -> observer + " to see " + member + " " + kind.name().toLowerCase(),
				() -> this.cluster.node(observer).recorder().latest(member).filter((change) -> change.kind() == kind),
				() -> "; changes " + observer + " saw: " + this.cluster.node(observer).membershipChanges());
	}

	/**
	 * Probes every {@value #POLL_MILLIS} ms, at most as many times as fit in the timeout
	 * (and once more), until the probe gives a value.
	 */
	private <T> T poll(Supplier<String> expected, Supplier<Optional<T>> probe, Supplier<String> detail) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		long attempts = this.timeout.toMillis() / POLL_MILLIS + 1;
		@Nullable Throwable last = null;
		for (long attempt = 0; attempt <= attempts; attempt++) {
			try {
				Optional<T> value = probe.get();
				if (value.isPresent()) {
					return value.get();
				}
			}
			catch (RuntimeException | AssertionError ex) {
				last = ex;
			}
			if (System.nanoTime() - deadline >= 0) {
				break;
			}
			sleep();
		}
		String message = "Expected " + expected.get() + " within " + this.timeout + ", but saw: "
				+ this.cluster.describeMembership() + safely(detail)
				+ ((last != null) ? "; last failure: " + last : "");
		AssertionError failure = new AssertionError(message);
		if (last != null) {
			failure.initCause(last);
		}
		throw failure;
	}

	private static String safely(Supplier<String> detail) {
		try {
			return detail.get();
		}
		catch (RuntimeException ex) {
			return "; " + ex.getMessage();
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting", ex);
		}
	}

}
