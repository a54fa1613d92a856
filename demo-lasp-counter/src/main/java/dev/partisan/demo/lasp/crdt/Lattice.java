package dev.partisan.demo.lasp.crdt;

/**
 * A join-semilattice: the state of a state-based CRDT. Replicas exchange whole states and
 * {@link #merge} them; because merge is commutative, associative and idempotent, it does
 * not matter in which order states arrive, how often, or along which path — which is why
 * the overlay can change without the application noticing. Implementations are immutable
 * values.
 *
 * @param <T> the implementing type
 */
public interface Lattice<T extends Lattice<T>> {

	/** The least upper bound of this state and {@code other}. */
	T merge(T other);

	/**
	 * Whether {@code other} already includes everything this state knows
	 * ({@code this ⊑ other}).
	 */
	default boolean isBelow(T other) {
		return merge(other).equals(other);
	}

}
