package dev.partisan.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a peer's string looks like once it is made safe for a log line. */
class LogTextTest {

	@Test
	void aLineBreakCannotStartAForgedLogLine() {
		String escaped = LogText.escape("inbox\nERROR [main] forged\r\n");

		assertThat(escaped).isEqualTo("inbox\\nERROR [main] forged\\r\\n").doesNotContain("\n", "\r");
	}

	@Test
	void tabsOtherControlCharactersAndUnicodeSeparatorsAreEscaped() {
		assertThat(LogText.escape("a\tb\u0000c\u001bd\u007fe\u0085f\u2028g\u2029h"))
			.isEqualTo("a\\tb\\u0000c\\u001bd\\u007fe\\u0085f\\u2028g\\u2029h");
	}

	@Test
	void invisibleFormatCharactersLikeABidiOverrideAreEscaped() {
		assertThat(LogText.escape("abc\u202Edef\u200B")).isEqualTo("abc\\u202edef\\u200b");
	}

	@Test
	void aBackslashIsDoubledSoThatAnEscapeInTheOutputIsAlwaysAnEscape() {
		assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
	}

	@Test
	void anOrdinaryNameIsReturnedAsItIs() {
		String name = "kv-store.v2_ünïcödé";

		assertThat(LogText.escape(name)).isSameAs(name);
	}

	@Test
	void aLongStringIsCutWithAnEllipsisAndItsOriginalLength() {
		String escaped = LogText.escape("x".repeat(65_535));

		assertThat(escaped).isEqualTo("x".repeat(LogText.MAX_CHARS) + "…(65535 chars)");
	}

	@Test
	void aCutDoesNotSplitACharacterOutsideTheBasicPlane() {
		String text = "x".repeat(LogText.MAX_CHARS - 1) + "😀" + "tail";

		assertThat(LogText.escape(text))
			.isEqualTo("x".repeat(LogText.MAX_CHARS - 1) + "…(" + text.length() + " chars)");
	}

	@Test
	void nullAndOtherObjectsAreShownByTheirText() {
		assertThat(LogText.escape(null)).isEqualTo("null");
		assertThat(LogText.escape(new IllegalStateException("bad\nline")))
			.isEqualTo("java.lang.IllegalStateException: bad\\nline");
	}

}
