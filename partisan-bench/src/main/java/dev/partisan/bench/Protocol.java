package dev.partisan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * How node processes talk to the orchestrator: cases go in as a JSON argument;
 * {@code READY}, {@code PROGRESS <label>} and {@code RESULT <json>} lines come out on
 * standard output. A receiver runs until its standard input closes, so it never outlives
 * the orchestrator.
 */
final class Protocol {

	static final String READY = "READY";

	static final String PROGRESS = "PROGRESS ";

	static final String RESULT = "RESULT ";

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private Protocol() {
	}

	static String writeCases(List<BenchCase> cases) {
		return JSON.writeValueAsString(cases);
	}

	static List<BenchCase> readCases(String json) {
		return Arrays.asList(JSON.readValue(json, BenchCase[].class));
	}

	/** {@code value} as JSON on one line. */
	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	/** One line of {@code prefix} and {@code value} as JSON. */
	static synchronized void line(String prefix, Object value) {
		System.out.println(prefix + JSON.writeValueAsString(value));
		System.out.flush();
	}

	/** The value of a line written by {@link #line}. */
	static <T> T readLine(String prefix, String line, Class<T> type) {
		return JSON.readValue(line.substring(prefix.length()), type);
	}

	static CaseResult readResult(String line) {
		return JSON.readValue(line.substring(RESULT.length()), CaseResult.class);
	}

	static synchronized void ready() {
		System.out.println(READY);
		System.out.flush();
	}

	static synchronized void progress(BenchCase c) {
		System.out.println(PROGRESS + c.label());
		System.out.flush();
	}

	static synchronized void result(CaseResult result) {
		System.out.println(RESULT + JSON.writeValueAsString(result));
		System.out.flush();
	}

	/**
	 * Blocks until standard input reaches its end (the orchestrator closed it or exited).
	 */
	static void awaitStdinClosed() throws IOException {
		InputStream in = System.in;
		byte[] buffer = new byte[256];
		while (in.read(buffer) >= 0) {
			// nothing is sent; the end of the stream is the signal
		}
	}

}
