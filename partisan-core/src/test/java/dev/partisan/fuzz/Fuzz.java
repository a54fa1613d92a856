package dev.partisan.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A seeded, deterministic mutation fuzzer, and the contract every fuzzed decoder is held
 * to: on any input it either returns a result that passes its check, or throws one of the
 * exception types its caller catches. Anything else — a NullPointerException, a
 * ClassCastException, a StackOverflowError — would escape the caller's handling and take
 * the connection or the node's loop down. The caller's buffer must come back as it was
 * lent: neither released nor retained past the result.
 *
 * <p>
 * The normal build runs {@link #CASES} mutated inputs per fixed seed of {@link #SEEDS}:
 * the same inputs every run, so a red build is a change's doing. A longer run, with
 * {@code -Dpartisan.fuzz.seconds=N}, goes on for N seconds per target with fresh seeds;
 * {@code -Dpartisan.fuzz.seed=S} replays the seed a failure names.
 *
 * <p>
 * A new target is a test of a few lines: valid encoded messages as seeds, and the decoder
 * with the exceptions its caller catches, e.g.
 * {@code Fuzz.run("Hello.decode", seeds, (input) -> Fuzz.decode(input, Hello::decode,
 * (in, hello) -> { }, MalformedFrameException.class))}.
 */
final class Fuzz {

	/** The normal build's seeds. */
	static final long[] SEEDS = { 20250614L, 0x5EEDL, 42L };

	/** Mutated inputs per seed in the normal build. */
	static final int CASES = 5000;

	/**
	 * A longer run's upper bound on inputs per target, so that it ends even when time
	 * does not.
	 */
	private static final long LONG_RUN_MAX_CASES = 1_000_000_000L;

	private Fuzz() {
	}

	/**
	 * Feeds {@code property} every seed input as it is, then mutated ones; a failure
	 * names the seed and the edits that reproduce it.
	 */
	static void run(String target, List<byte[]> seeds, Consumer<byte[]> property) {
		for (int i = 0; i < seeds.size(); i++) {
			check(target, "seed input #" + i + " as written", seeds.get(i), property);
		}
		long replay = Long.getLong("partisan.fuzz.seed", -1L);
		long seconds = Long.getLong("partisan.fuzz.seconds", 0L);
		if (replay >= 0) {
			runSeed(target, seeds, property, replay, CASES);
		}
		else if (seconds > 0) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			Random seedSource = new Random();
			for (long done = 0; done < LONG_RUN_MAX_CASES && System.nanoTime() < deadline; done += CASES) {
				runSeed(target, seeds, property, seedSource.nextLong() & Long.MAX_VALUE, CASES);
			}
		}
		else {
			for (long seed : SEEDS) {
				runSeed(target, seeds, property, seed, CASES);
			}
		}
	}

	private static void runSeed(String target, List<byte[]> seeds, Consumer<byte[]> property, long seed, int cases) {
		Random random = new Random(seed);
		for (int i = 0; i < cases; i++) {
			Mutations.Case input = Mutations.next(random, seeds);
			check(target, "seed " + seed + " (-Dpartisan.fuzz.seed=" + seed + "), case " + i + ": " + input,
					input.bytes(), property);
		}
	}

	private static void check(String target, String which, byte[] input, Consumer<byte[]> property) {
		try {
			property.accept(input);
		}
		catch (AssertionError ex) {
			throw new AssertionError(target + " failed on " + which + "\ninput: " + hex(input) + "\n" + ex.getMessage(),
					ex);
		}
	}

	private static String hex(byte[] input) {
		String all = HexFormat.of().formatHex(input);
		return (all.length() > 600) ? all.substring(0, 600) + "..." : all;
	}

	/**
	 * Decodes {@code input} from a buffer of its own; {@code check} asserts on a result
	 * and releases whatever of it holds the buffer.
	 */
	@SafeVarargs
	static <T> void decode(byte[] input, Function<ByteBuf, T> decoder, BiConsumer<ByteBuf, T> check,
			Class<? extends Throwable>... allowed) {
		ByteBuf in = Unpooled.wrappedBuffer(input);
		try {
			T result;
			try {
				result = decoder.apply(in);
			}
			catch (RuntimeException | StackOverflowError | OutOfMemoryError ex) {
				assertAllowed(ex, allowed);
				return;
			}
			check.accept(in, result);
		}
		finally {
			assertThat(in.refCnt()).as("references to the caller's buffer once the result is released").isEqualTo(1);
			in.release();
		}
	}

	/** Fails unless {@code thrown} is one of {@code allowed}. */
	@SafeVarargs
	static void assertAllowed(Throwable thrown, Class<? extends Throwable>... allowed) {
		for (Class<? extends Throwable> type : allowed) {
			if (type.isInstance(thrown)) {
				return;
			}
		}
		fail("threw " + thrown + ", none of " + Arrays.toString(allowed), thrown);
	}

	/** Whether {@code part} holds the last bytes of {@code whole}: a slice of it. */
	static boolean isTailOf(ByteBuf part, ByteBuf whole) {
		int length = part.readableBytes();
		return length <= whole.capacity()
				&& ByteBufUtil.equals(part, part.readerIndex(), whole, whole.capacity() - length, length);
	}

}
