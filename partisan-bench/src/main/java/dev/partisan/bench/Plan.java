package dev.partisan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which cases run on which networks. {@code smoke} is the tiny loopback run of the unit
 * suite; {@code quick} finishes in about five minutes; {@code full} is the papers' sweep
 * (hours).
 */
record Plan(String mode, List<Plan.Stage> stages) {

	/**
	 * The scaled-down window of the window-limited regime: with a 1 Gbit/s link at 20 ms
	 * RTT one connection moves ~78 Mbit/s and 16 connections fill the link (raw ceiling ≈
	 * 12×; net/README.md).
	 */
	static final int SCALED_WINDOW = 262_144;

	private static final int MIB = 1024 * 1024;

	/**
	 * One network and the cases measured on it, for Partisan, raw sockets, Pekko Artery
	 * and the KV demo (whose cases are run once per profile, their {@code config}).
	 */
	record Stage(NetSetting setting, List<BenchCase> partisan, List<BenchCase> raw, List<BenchCase> pekko,
			List<BenchCase> kv) {

		Stage(NetSetting setting, List<BenchCase> partisan, List<BenchCase> raw, List<BenchCase> pekko) {
			this(setting, partisan, raw, pekko, List.of());
		}

		Stage withKv(List<BenchCase> kvCases) {
			return new Stage(this.setting, this.partisan, this.raw, this.pekko, kvCases);
		}

	}

	static Plan of(String mode, boolean namespaces) {
		return switch (mode) {
			case "smoke" -> smoke();
			case "quick" -> quick(namespaces);
			case "full" -> full(namespaces);
			default -> throw new IllegalArgumentException("Unknown mode '" + mode + "': use smoke, quick or full");
		};
	}

	/**
	 * This plan with only the cases of the named experiments (all of them when
	 * {@code experiments} is empty).
	 */
	Plan only(Set<String> experiments) {
		if (experiments.isEmpty()) {
			return this;
		}
		java.util.function.Function<List<BenchCase>, List<BenchCase>> keep = (
				cases) -> cases.stream().filter((c) -> experiments.contains(c.experiment())).toList();
		return new Plan(this.mode,
				this.stages.stream()
					.map((s) -> new Stage(s.setting(), keep.apply(s.partisan()), keep.apply(s.raw()),
							keep.apply(s.pekko()), keep.apply(s.kv())))
					.toList());
	}

	int caseCount() {
		return this.stages.stream()
			.mapToInt((s) -> s.partisan().size() + s.raw().size() + s.pekko().size() + s.kv().size())
			.sum();
	}

	private static Plan smoke() {
		List<BenchCase> partisan = List.of(new BenchCase("micro", "baseline", 1, 2, 5, 64 * 1024, 0),
				new BenchCase("micro", "affinity", 4, 2, 5, 64 * 1024, 0),
				new BenchCase("isolation", "shared-channel", 1, 1, 5, 1024, MIB),
				new BenchCase("isolation", "own-channel", 1, 1, 5, 1024, MIB));
		List<BenchCase> raw = List.of(new BenchCase("micro", "raw-shared", 1, 2, 5, 64 * 1024, 0));
		List<BenchCase> pekko = List.of(new BenchCase("micro", "pekko", 4, 2, 5, 64 * 1024, 0));
		List<BenchCase> kv = List.of(new BenchCase("kv", "baseline", 1, 2, 5, 64 * 1024, 0),
				new BenchCase("echo", "partisan", 4, 2, 5, 64 * 1024, 0));
		return new Plan("smoke", List.of(new Stage(NetSetting.loopback(), partisan, raw, pekko, kv)));
	}

	/**
	 * Per network: 1 MiB with 1 and 16 senders (baseline, parallel and affinity with 4
	 * and 16 lanes), 8 MiB with 16 senders, isolation and head of line. Where bandwidth
	 * is scarce (20 ms) fewer messages give the same confidence in a fraction of the
	 * time.
	 */
	private static Plan quick(boolean namespaces) {
		List<Stage> stages = new ArrayList<>();
		stages.add(quickStage(NetSetting.loopback(), 100, 20, 4, 100));
		if (namespaces) {
			stages.add(quickStage(new NetSetting("rtt-1ms", true, 0.5, 0, ""), 100, 20, 4, 50));
			// KV and echo where the network is the limit; at 1 ms two cores are (the full
			// mode runs both).
			stages.add(quickStage(new NetSetting("rtt-20ms-scaled", true, 10, SCALED_WINDOW, "1gbit"), 15, 4, 1, 15)
				.withKv(kvAndEcho(16, 8, 1)));
		}
		return new Plan("quick", stages);
	}

	private static Stage quickStage(NetSetting setting, int oneSender, int sixteenSenders, int eightMiB, int small) {
		List<BenchCase> partisan = new ArrayList<>();
		List<BenchCase> raw = new ArrayList<>();
		for (int senders : List.of(1, 16)) {
			micro(partisan, raw, List.of(4, 16), senders, (senders == 1) ? oneSender : sixteenSenders, MIB);
		}
		// Balanced placement where hashing collides most: 16 senders on 16 lanes.
		partisan.add(new BenchCase("micro", "balanced", 16, 16, sixteenSenders, MIB, 0));
		micro(partisan, raw, List.of(16), 16, eightMiB, 8 * MIB);
		partisan.removeIf((c) -> c.size() == 8 * MIB && c.config().equals("parallel"));
		List<BenchCase> pekko = pekkoCounterparts(partisan);
		partisan.addAll(isolationAndHol(small));
		return new Stage(setting, partisan, raw, pekko);
	}

	private static Plan full(boolean namespaces) {
		List<BenchCase> partisan = new ArrayList<>();
		List<BenchCase> raw = new ArrayList<>();
		for (int size : List.of(512 * 1024, MIB, 8 * MIB)) {
			int messages = (size >= 8 * MIB) ? 100 : 1000;
			for (int senders = 1; senders <= 128; senders *= 2) {
				micro(partisan, raw, List.of(4, 8, 16), senders, messages, size);
			}
		}
		partisan.addAll(partisan.stream()
			.filter((c) -> c.config().equals("affinity"))
			.map((c) -> new BenchCase("micro", "balanced", c.lanes(), c.senders(), c.messages(), c.size(), 0))
			.toList());
		List<BenchCase> pekko = pekkoCounterparts(partisan);
		List<Stage> stages = new ArrayList<>();
		stages.add(new Stage(NetSetting.loopback(), with(partisan, isolationAndHol(1000)), raw, pekko));
		if (namespaces) {
			stages.add(new Stage(new NetSetting("rtt-1ms", true, 0.5, 0, ""), with(partisan, isolationAndHol(1000)),
					raw, pekko, kvAndEcho(16, 50, 10)));
			stages.add(new Stage(new NetSetting("rtt-20ms", true, 10, 0, ""), with(partisan, isolationAndHol(100)), raw,
					pekko, kvAndEcho(16, 20, 5)));
			stages.add(new Stage(new NetSetting("rtt-20ms-scaled", true, 10, SCALED_WINDOW, "1gbit"),
					with(partisan, isolationAndHol(100)), raw, pekko, kvAndEcho(16, 10, 3)));
		}
		return new Plan("full", stages);
	}

	/**
	 * The same workloads over Pekko Artery (four lanes, as configured in
	 * {@link PekkoPeer}).
	 */
	private static List<BenchCase> pekkoCounterparts(List<BenchCase> partisan) {
		return partisan.stream()
			.filter((c) -> c.experiment().equals("micro") && c.config().equals("baseline"))
			.map((c) -> new BenchCase("micro", "pekko", 4, c.senders(), c.messages(), c.size(), 0))
			.toList();
	}

	/** The papers' three configurations against their raw-socket counterparts. */
	private static void micro(List<BenchCase> partisan, List<BenchCase> raw, List<Integer> laneCounts, int senders,
			int messages, int size) {
		partisan.add(new BenchCase("micro", "baseline", 1, senders, messages, size, 0));
		raw.add(new BenchCase("micro", "raw-shared", 1, senders, messages, size, 0));
		for (int lanes : laneCounts) {
			partisan.add(new BenchCase("micro", "parallel", lanes, senders, messages, size, 0));
			partisan.add(new BenchCase("micro", "affinity", lanes, senders, messages, size, 0));
			raw.add(new BenchCase("micro", "raw-per-sender", lanes, senders, messages, size, 0));
		}
	}

	/**
	 * Small request/acknowledgement traffic next to a background sender of 8 MiB
	 * messages: on the same channel or its own (isolation, papers §6.2), on one lane or
	 * separate lanes (head of line).
	 */
	private static List<BenchCase> isolationAndHol(int messages) {
		return List.of(new BenchCase("isolation", "shared-channel", 1, 4, messages, 1024, 8 * MIB),
				new BenchCase("isolation", "own-channel", 1, 4, messages, 1024, 8 * MIB),
				new BenchCase("hol", "one-lane", 1, 1, messages, 1024, 8 * MIB),
				new BenchCase("hol", "lanes", 4, 1, messages, 1024, 8 * MIB));
	}

	/**
	 * The papers' §6.2.2–6.2.3 on the KV demo, under both profiles: the KV store (512 KiB
	 * values, 10:1 reads) and the echo service (512 KiB and 8 MiB), {@code workers}
	 * clients, {@code perWorker} requests each ({@code perWorkerLarge} for 8 MiB).
	 */
	private static List<BenchCase> kvAndEcho(int workers, int perWorker, int perWorkerLarge) {
		List<BenchCase> cases = new ArrayList<>();
		for (String profile : List.of("baseline", "partisan")) {
			int lanes = profile.equals("partisan") ? 4 : 1;
			cases.add(new BenchCase("kv", profile, lanes, workers, perWorker, 512 * 1024, 0));
			cases.add(new BenchCase("echo", profile, lanes, workers, perWorker, 512 * 1024, 0));
			cases.add(new BenchCase("echo", profile, lanes, workers, perWorkerLarge, 8 * MIB, 0));
		}
		return cases;
	}

	private static List<BenchCase> with(List<BenchCase> base, List<BenchCase> more) {
		List<BenchCase> all = new ArrayList<>(base);
		all.addAll(more);
		return all;
	}

}
