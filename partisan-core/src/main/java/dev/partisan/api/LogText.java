package dev.partisan.api;

import org.jspecify.annotations.Nullable;

/**
 * Makes a string another node chose (a handler, channel or payload type name, an error
 * message built from one) safe to put in a log line: each such string stays on its line
 * and within a bound, whatever it contains.
 *
 * <p>
 * A peer that could put a line break in a logged name could forge whole log lines (a fake
 * {@code ERROR [main]} entry, say), and one that could send a 64 KiB name could make
 * every warning about it 64 KiB long. So line breaks, tabs, the other ISO control
 * characters, the Unicode line and paragraph separators and the invisible format
 * characters (bidirectional overrides, zero-width joiners) are written as escapes, a
 * backslash is doubled so that an escape in the output always means an escape, and
 * anything past {@link #MAX_CHARS} characters is cut, with its original length said.
 *
 * <p>
 * Lives in {@code api} because every package that logs what peers send may use
 * {@code api} and nothing else is shared by all of them ({@code wire}, whose exceptions
 * quote peer strings, may use nothing else); it is also for applications whose handlers
 * log the names in a {@link PartisanMessage}.
 */
public final class LogText {

	/** How many characters of a peer's string a log line shows. */
	public static final int MAX_CHARS = 128;

	private LogText() {
	}

	/**
	 * The value's text (its {@code toString()}, or {@code null}) with control characters
	 * escaped and cut to {@link #MAX_CHARS} characters.
	 */
	public static String escape(@Nullable Object value) {
		String text = String.valueOf(value);
		int shown = Math.min(text.length(), MAX_CHARS);
		if (shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
			// Do not split a surrogate pair into half a character.
			shown--;
		}
		StringBuilder out = null;
		for (int i = 0; i < shown; i++) {
			char c = text.charAt(i);
			String replacement = replacement(c);
			if (replacement != null && out == null) {
				out = new StringBuilder(shown + 16).append(text, 0, i);
			}
			if (out != null) {
				if (replacement != null) {
					out.append(replacement);
				}
				else {
					out.append(c);
				}
			}
		}
		if (shown == text.length()) {
			return (out != null) ? out.toString() : text;
		}
		if (out == null) {
			out = new StringBuilder(shown + 32).append(text, 0, shown);
		}
		return out.append("…(").append(text.length()).append(" chars)").toString();
	}

	private static @Nullable String replacement(char c) {
		switch (c) {
			case '\n':
				return "\\n";
			case '\r':
				return "\\r";
			case '\t':
				return "\\t";
			case '\\':
				return "\\\\";
			default:
				if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
						|| Character.getType(c) == Character.FORMAT) {
					return String.format("\\u%04x", (int) c);
				}
				return null;
		}
	}

}
