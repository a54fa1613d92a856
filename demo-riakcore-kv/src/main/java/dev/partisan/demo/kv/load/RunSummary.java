package dev.partisan.demo.kv.load;

import java.util.Locale;
import java.util.Map;

/**
 * What one run measured.
 *
 * @param profile the configuration it ran under
 * @param workload kv or echo
 * @param workers concurrent clients
 * @param seconds how long it ran
 * @param ops requests that succeeded
 * @param errors requests that failed
 * @param p50Millis median latency of successful requests
 * @param p99Millis 99th percentile latency
 * @param messagesByChannel application messages node n1 sent, per channel: shows where
 * the traffic went
 */
public record RunSummary(String profile, String workload, int workers, double seconds, long ops, long errors,
		double p50Millis, double p99Millis, Map<String, Long> messagesByChannel) {

	public double throughput() {
		return (this.seconds > 0) ? this.ops / this.seconds : 0;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT,
				"%-9s %-4s %3d workers %5.1fs  %,9d ops  %,9.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %,d"
						+ "  n1 sent per channel %s",
				this.profile, this.workload, this.workers, this.seconds, this.ops, throughput(), this.p50Millis,
				this.p99Millis, this.errors, this.messagesByChannel);
	}

}
