package dev.partisan.bench;

/**
 * What one case measured.
 *
 * @param benchCase the case
 * @param seconds completion time of all measured messages
 * @param messages measured messages completed (request and acknowledgement)
 * @param goodputMBps payload megabytes (10^6) per second of measured messages
 * @param p50Millis median request-to-acknowledgement latency
 * @param p99Millis 99th percentile latency
 * @param error why the case failed, empty when it did not
 */
public record CaseResult(BenchCase benchCase, double seconds, long messages, double goodputMBps, double p50Millis,
		double p99Millis, String error) {

	public static CaseResult failed(BenchCase benchCase, String error) {
		return new CaseResult(benchCase, 0, 0, 0, 0, 0, error);
	}

	public boolean ok() {
		return this.error.isEmpty();
	}

}
