package dev.partisan.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warnings at most once per key per interval, with a count of the rest, and a bounded
 * number of keys. The clock is a counter the test moves, so nothing waits.
 */
class RateLimitedLogTest {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private final Logger logger = LoggerFactory.getLogger(RateLimitedLogTest.class);

	private final AtomicLong now = new AtomicLong();

	private final LogCapture log = new LogCapture(RateLimitedLogTest.class);

	@AfterEach
	void close() {
		this.log.close();
	}

	@Test
	void aRepeatedWarningIsLoggedOnceAnIntervalWithTheCountOfTheRest() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 8, this.now::get);

		for (int i = 0; i < 100; i++) {
			limited.warn("unknown:x", "No handler named '{}'", "x");
		}
		this.now.addAndGet(MINUTE.toNanos());
		limited.warn("unknown:x", "No handler named '{}'", "x");

		assertThat(this.log.messages()).containsExactly("No handler named 'x'",
				"No handler named 'x' (99 more like it suppressed since the last)");
	}

	@Test
	void differentKeysAreLimitedSeparately() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 8, this.now::get);

		limited.warn("a", "about {}", "a");
		limited.warn("b", "about {}", "b");
		limited.warn("a", "about {}", "a");

		assertThat(this.log.messages()).containsExactly("about a", "about b");
	}

	@Test
	void aTrailingExceptionStaysTheCauseWhenTheCountIsAdded() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 8, this.now::get);
		IllegalStateException cause = new IllegalStateException("boom");

		limited.warn("k", "failed for {}", "k", cause);
		limited.warn("k", "failed for {}", "k", cause);
		this.now.addAndGet(MINUTE.toNanos());
		limited.warn("k", "failed for {}", "k", cause);

		assertThat(this.log.messages()).containsExactly("failed for k",
				"failed for k (1 more like it suppressed since the last)");
	}

	@Test
	void manyDistinctKeysShareOneOverflowLineOnceTheBoundIsReached() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 8, this.now::get);

		for (int i = 0; i < 3_000; i++) {
			limited.warn("name-" + i, "about {}", i);
		}

		assertThat(limited.keys()).isEqualTo(8 + 1);
		assertThat(this.log.messages()).hasSize(8 + 1).last().isEqualTo("about 8");
	}

	@Test
	void expiredKeysAreForgottenToMakeRoomAndAnUnreportedCountIsLoggedThen() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 2, this.now::get);
		limited.warn("a", "about {}", "a");
		limited.warn("a", "about {}", "a");
		limited.warn("b", "about {}", "b");
		this.now.addAndGet(MINUTE.toNanos());

		limited.warn("c", "about {}", "c");

		assertThat(limited.keys()).isEqualTo(1);
		assertThat(this.log.messages()).containsExactly("about a", "about b",
				"1 more warnings like 'a' were suppressed", "about c");
	}

	@Test
	void aLongKeyIsRememberedByItsBoundedPrefix() {
		RateLimitedLog limited = new RateLimitedLog(this.logger, MINUTE, 8, this.now::get);

		limited.warn("k".repeat(65_535), "a long one");
		limited.warn("k".repeat(65_535), "a long one");

		assertThat(limited.keys()).isEqualTo(1);
		assertThat(this.log.messages()).containsExactly("a long one");
	}

}
