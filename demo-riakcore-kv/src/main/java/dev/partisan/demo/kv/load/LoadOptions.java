package dev.partisan.demo.kv.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * The load generator's flags. Defaults follow the papers' case study where it says
 * (10,000 keys, a 10:1 read:write ratio, 1 ms between nodes), and stay small enough for a
 * laptop elsewhere.
 *
 * @param profiles the configurations to run, one after the other
 * ({@code --profile=baseline}, {@code partisan}, or {@code both})
 * @param workload {@code kv} or {@code echo}
 * @param workers concurrent clients, each waiting for its reply before the next request
 * @param duration how long each run lasts, unless {@code count} is set
 * @param count how many requests each run makes in all (0: run for {@code duration})
 * @param payload bytes per value written or echoed
 * @param readRatio the share of KV requests that are reads
 * @param keys how many keys the KV workload draws from (a normal distribution centred on
 * the middle)
 * @param latency how long each application message is held on its lane before it is
 * written, so that what queues behind what shows on one machine (0 for none)
 * @param appArgs arguments for the demo nodes themselves ({@code --kv.*},
 * {@code --partisan.*})
 * @param remoteOnly echo only to partitions that another node owns, so every echo crosses
 * the network (the benchmark's two-host layout; the papers' echo picks any partition)
 */
public record LoadOptions(List<String> profiles, String workload, int workers, Duration duration, long count,
		int payload, double readRatio, int keys, Duration latency, List<String> appArgs, boolean remoteOnly) {

	static final String USAGE = """
			Usage: LoadGenerator [--profile=both|baseline|partisan] [--workload=kv|echo] [--workers=16]
			                     [--duration=10s | --count=N] [--payload=512KiB] [--read-ratio=0.9]
			                     [--keys=10000] [--latency=1ms] [--remote-only]
			                     [--kv.*=... --partisan.*=... for the nodes]""";

	public static LoadOptions parse(String... args) {
		List<String> profiles = List.of("baseline", "partisan");
		String workload = "kv";
		int workers = 16;
		Duration duration = Duration.ofSeconds(10);
		long count = 0;
		int payload = 512 * 1024;
		double readRatio = 0.9;
		int keys = 10_000;
		Duration latency = Duration.ofMillis(1);
		boolean remoteOnly = false;
		List<String> appArgs = new ArrayList<>();
		for (String arg : args) {
			if (arg.isBlank()) {
				continue;
			}
			int eq = arg.indexOf('=');
			String name = (eq > 0) ? arg.substring(0, eq) : arg;
			String value = (eq > 0) ? arg.substring(eq + 1) : "";
			switch (name) {
				case "--profile" -> profiles = value.equals("both") ? List.of("baseline", "partisan") : List.of(value);
				case "--workload" -> workload = value;
				case "--workers" -> workers = Integer.parseInt(value);
				case "--duration" -> duration = DurationStyle.detectAndParse(value);
				case "--count" -> count = Long.parseLong(value);
				case "--payload" ->
					payload = (int) DataSize.parse(value.replace("iB", "B").toUpperCase(Locale.ROOT)).toBytes();
				case "--read-ratio" -> readRatio = Double.parseDouble(value);
				case "--keys" -> keys = Integer.parseInt(value);
				case "--latency" -> latency = DurationStyle.detectAndParse(value);
				case "--remote-only" -> remoteOnly = value.isEmpty() || Boolean.parseBoolean(value);
				default -> {
					if (!arg.startsWith("--kv.") && !arg.startsWith("--partisan.") && !arg.startsWith("--logging.")) {
						throw new IllegalArgumentException("Unknown flag " + arg + "\n" + USAGE);
					}
					appArgs.add(arg);
				}
			}
		}
		for (String profile : profiles) {
			if (!profile.equals("baseline") && !profile.equals("partisan")) {
				throw new IllegalArgumentException("--profile is both, baseline or partisan, not " + profile);
			}
		}
		if (!workload.equals("kv") && !workload.equals("echo")) {
			throw new IllegalArgumentException("--workload is kv or echo, not " + workload);
		}
		if (workers < 1 || keys < 1 || payload < 0 || readRatio < 0 || readRatio > 1 || count < 0) {
			throw new IllegalArgumentException("workers and keys must be positive, payload not negative, read-ratio "
					+ "between 0 and 1, count not negative\n" + USAGE);
		}
		return new LoadOptions(profiles, workload, workers, duration, count, payload, readRatio, keys, latency,
				List.copyOf(appArgs), remoteOnly);
	}

}
