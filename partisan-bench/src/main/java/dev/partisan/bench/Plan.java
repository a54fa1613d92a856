package dev.partisan.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Which cases run on which networks. {@code smoke} is the tiny loopback run of the unit suite;
 * {@code quick} finishes in minutes; {@code full} is the papers' sweep (hours).
 */
record Plan(String mode, List<NetSetting> settings, List<BenchCase> partisanCases, List<BenchCase> rawCases,
		List<BenchCase> loopbackCases, List<BenchCase> namespaceCases) {

	/**
	 * The scaled-down window of the window-limited regime: with a 1 Gbit/s link at 20 ms RTT one
	 * connection moves ~78 Mbit/s and 16 connections fill the link (raw ceiling ≈ 12×; net/README.md).
	 */
	static final int SCALED_WINDOW = 262_144;

	static Plan of(String mode, boolean namespaces) {
		return switch (mode) {
			case "smoke" -> smoke();
			case "quick" -> quick(namespaces);
			case "full" -> full(namespaces);
			default -> throw new IllegalArgumentException("Unknown mode '" + mode + "': use smoke, quick or full");
		};
	}

	private static Plan smoke() {
		List<BenchCase> partisan = List.of(new BenchCase("micro", "baseline", 1, 2, 5, 64 * 1024, 0),
				new BenchCase("micro", "affinity", 4, 2, 5, 64 * 1024, 0));
		List<BenchCase> raw = List.of(new BenchCase("micro", "raw-shared", 1, 2, 5, 64 * 1024, 0));
		List<BenchCase> loopbackOnly = List.of(new BenchCase("isolation", "shared-channel", 1, 1, 5, 1024, 1024 * 1024),
				new BenchCase("isolation", "own-channel", 1, 1, 5, 1024, 1024 * 1024));
		return new Plan("smoke", List.of(NetSetting.loopback()), partisan, raw, loopbackOnly, List.of());
	}

	private static Plan quick(boolean namespaces) {
		int mib = 1024 * 1024;
		List<BenchCase> partisan = new ArrayList<>();
		List<BenchCase> raw = new ArrayList<>();
		for (int senders : List.of(1, 16)) {
			int messages = (senders == 1) ? 100 : 20;
			partisan.add(new BenchCase("micro", "baseline", 1, senders, messages, mib, 0));
			raw.add(new BenchCase("micro", "raw-shared", 1, senders, messages, mib, 0));
			for (int lanes : List.of(4, 16)) {
				partisan.add(new BenchCase("micro", "parallel", lanes, senders, messages, mib, 0));
				partisan.add(new BenchCase("micro", "affinity", lanes, senders, messages, mib, 0));
				raw.add(new BenchCase("micro", "raw-per-sender", lanes, senders, messages, mib, 0));
			}
		}
		partisan.add(new BenchCase("micro", "baseline", 1, 16, 4, 8 * mib, 0));
		partisan.add(new BenchCase("micro", "affinity", 16, 16, 4, 8 * mib, 0));
		raw.add(new BenchCase("micro", "raw-shared", 1, 16, 4, 8 * mib, 0));
		raw.add(new BenchCase("micro", "raw-per-sender", 16, 16, 4, 8 * mib, 0));
		List<NetSetting> settings = new ArrayList<>();
		settings.add(NetSetting.loopback());
		if (namespaces) {
			settings.add(new NetSetting("rtt-1ms", true, 0.5, 0, ""));
			settings.add(new NetSetting("rtt-20ms-scaled", true, 10, SCALED_WINDOW, "1gbit"));
		}
		return new Plan("quick", settings, partisan, raw, isolationAndHol(100), isolationAndHol(20));
	}

	private static Plan full(boolean namespaces) {
		List<BenchCase> partisan = new ArrayList<>();
		List<BenchCase> raw = new ArrayList<>();
		for (int size : List.of(512 * 1024, 1024 * 1024, 8 * 1024 * 1024)) {
			int messages = (size >= 8 * 1024 * 1024) ? 100 : 1000;
			for (int senders = 1; senders <= 128; senders *= 2) {
				partisan.add(new BenchCase("micro", "baseline", 1, senders, messages, size, 0));
				raw.add(new BenchCase("micro", "raw-shared", 1, senders, messages, size, 0));
				for (int lanes : List.of(4, 8, 16)) {
					partisan.add(new BenchCase("micro", "parallel", lanes, senders, messages, size, 0));
					partisan.add(new BenchCase("micro", "affinity", lanes, senders, messages, size, 0));
					raw.add(new BenchCase("micro", "raw-per-sender", lanes, senders, messages, size, 0));
				}
			}
		}
		List<NetSetting> settings = new ArrayList<>();
		settings.add(NetSetting.loopback());
		if (namespaces) {
			settings.add(new NetSetting("rtt-1ms", true, 0.5, 0, ""));
			settings.add(new NetSetting("rtt-20ms", true, 10, 0, ""));
			settings.add(new NetSetting("rtt-20ms-scaled", true, 10, SCALED_WINDOW, "1gbit"));
		}
		return new Plan("full", settings, partisan, raw, isolationAndHol(1000), isolationAndHol(100));
	}

	/**
	 * Small request/acknowledgement traffic next to a background sender of 8 MiB messages: on the same
	 * channel or its own (isolation, papers §6.2), on one lane or separate lanes (head of line).
	 */
	private static List<BenchCase> isolationAndHol(int messages) {
		int eightMiB = 8 * 1024 * 1024;
		return List.of(new BenchCase("isolation", "shared-channel", 1, 4, messages, 1024, eightMiB),
				new BenchCase("isolation", "own-channel", 1, 4, messages, 1024, eightMiB),
				new BenchCase("hol", "one-lane", 1, 1, messages, 1024, eightMiB),
				new BenchCase("hol", "lanes", 4, 1, messages, 1024, eightMiB));
	}

}
