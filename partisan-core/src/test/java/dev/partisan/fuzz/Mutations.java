package dev.partisan.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutated valid inputs: a seed (a message as its sender writes it) with one to four
 * {@link Mutation edits}. Starting from valid messages gets past the first length or
 * version check that random bytes almost never pass.
 */
final class Mutations {

	/** Edits stacked on one seed, at most. */
	static final int MAX_EDITS = 4;

	private static final Mutation.Kind[] KINDS = Mutation.Kind.values();

	private Mutations() {
	}

	/**
	 * One mutated input: which seed, which edits, and the bytes they give.
	 *
	 * @param seed the index of the seed it started from
	 * @param edits the edits, in the order applied
	 * @param bytes the result
	 */
	record Case(int seed, List<Mutation> edits, byte[] bytes) {

		@Override
		public String toString() {
			return "seed input #" + this.seed + " with " + this.edits + " (" + this.bytes.length + " bytes)";
		}

	}

	static Case next(Random random, List<byte[]> seeds) {
		int seed = random.nextInt(seeds.size());
		int count = 1 + random.nextInt(MAX_EDITS);
		List<Mutation> edits = new ArrayList<>(count);
		byte[] bytes = seeds.get(seed);
		for (int i = 0; i < count; i++) {
			// Short spans more often than long ones: most bugs need a few bytes moved.
			int span = (random.nextInt(4) == 0) ? 1 + random.nextInt(4096) : 1 + random.nextInt(16);
			Mutation edit = new Mutation(KINDS[random.nextInt(KINDS.length)], random.nextInt(Mutation.MAX_SIZE), span,
					random.nextInt(256));
			edits.add(edit);
			bytes = edit.applyTo(bytes);
		}
		return new Case(seed, List.copyOf(edits), bytes);
	}

}
