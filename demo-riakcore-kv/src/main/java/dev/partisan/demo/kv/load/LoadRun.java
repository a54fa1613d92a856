package dev.partisan.demo.kv.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.LaneStats;
import dev.partisan.api.Partisan;
import dev.partisan.demo.kv.cluster.LocalCluster;
import dev.partisan.demo.kv.echo.EchoService;
import dev.partisan.demo.kv.kv.KvService;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.runtime.PartisanNode;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One run: a fresh three-node cluster under one profile, {@code workers} clients spread
 * over its nodes, each sending a request through the node's services (as the HTTP API
 * does) and waiting for the answer before the next, for a duration or a count.
 * {@link #drive} runs the same workload against nodes started elsewhere (the benchmark's
 * nodes in network namespaces).
 */
public final class LoadRun {

	private final LoadOptions options;

	private final String profile;

	private final PrintStream out;

	private final AtomicLong ops = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	/**
	 * @param options the workload
	 * @param profile the profile the nodes run under (for the summary)
	 * @param out where the progress bar goes
	 */
	public LoadRun(LoadOptions options, String profile, PrintStream out) {
		this.options = options;
		this.profile = profile;
		this.out = out;
	}

	RunSummary run() throws InterruptedException {
		List<String> args = new ArrayList<>(
				List.of("--spring.main.web-application-type=none", "--logging.level.dev.partisan=error",
						"--logging.level.dev.partisan.demo.kv=warn", "--kv.handoff-on-stop=false"));
		args.addAll(this.options.appArgs());
		try (LocalCluster cluster = LocalCluster.start(this.profile, true, args)) {
			if (!this.options.latency().isZero()) {
				for (ConfigurableApplicationContext node : cluster.nodes()) {
					node.getBean(PartisanNode.class)
						.faults()
						.delay("latency", Direction.EGRESS, MessageEvent::isApplication, this.options.latency());
				}
			}
			return drive(cluster.nodes());
		}
	}

	/**
	 * Drives the workload through {@code nodes}' services, workers spread over them; the
	 * first reports traffic.
	 */
	public RunSummary drive(List<ConfigurableApplicationContext> nodes) throws InterruptedException {
		byte[] payload = new byte[this.options.payload()];
		new Random(42).nextBytes(payload);
		List<Latencies> latencies = new ArrayList<>();
		ExecutorService workers = Executors.newFixedThreadPool(this.options.workers());
		long count = this.options.count();
		long durationNanos = this.options.duration().toNanos();
		long start = System.nanoTime();
		long deadline = (count > 0) ? Long.MAX_VALUE : start + durationNanos;
		AtomicLong issued = new AtomicLong();
		ProgressBar bar = new ProgressBar(this.out, this.profile);
		Thread progress = ProgressBar.every(250,
				() -> bar.draw(
						(count > 0) ? ProgressBar.share(this.ops.get() + this.errors.get(), count)
								: ProgressBar.share(System.nanoTime() - start, durationNanos),
						this.ops.get(), this.errors.get()));
		for (int w = 0; w < this.options.workers(); w++) {
			Latencies mine = new Latencies();
			latencies.add(mine);
			ConfigurableApplicationContext node = nodes.get(w % nodes.size());
			Random random = new Random(w);
			workers.execute(() -> {
				KvService kv = node.getBean(KvService.class);
				EchoService echo = node.getBean(EchoService.class);
				while (System.nanoTime() < deadline && (count == 0 || issued.incrementAndGet() <= count)) {
					long begin = System.nanoTime();
					try {
						request(kv, echo, random, payload).get(30, TimeUnit.SECONDS);
						mine.record(System.nanoTime() - begin);
						this.ops.incrementAndGet();
					}
					catch (Exception ex) {
						this.errors.incrementAndGet();
					}
				}
			});
		}
		workers.shutdown();
		long limit = (count > 0) ? TimeUnit.HOURS.toNanos(1) : durationNanos + TimeUnit.SECONDS.toNanos(60);
		if (!workers.awaitTermination(limit, TimeUnit.NANOSECONDS)) {
			workers.shutdownNow();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		progress.interrupt();
		progress.join(1000);
		bar.draw(1, this.ops.get(), this.errors.get());
		bar.finish();
		long[] sorted = Latencies.sorted(latencies);
		return new RunSummary(this.profile, this.options.workload(), this.options.workers(), seconds, this.ops.get(),
				this.errors.get(), Latencies.quantile(sorted, 0.50) / 1e6, Latencies.quantile(sorted, 0.99) / 1e6,
				messagesByChannel(nodes.get(0).getBean(Partisan.class)));
	}

	private CompletableFuture<?> request(KvService kv, EchoService echo, Random random, byte[] payload) {
		if (this.options.workload().equals("echo")) {
			return echo.echo(payload, this.options.remoteOnly());
		}
		String key = "key-" + key(random);
		return (random.nextDouble() < this.options.readRatio()) ? kv.get(key) : kv.put(key, payload);
	}

	/**
	 * A key number from a normal distribution over the keys, centred on the middle one.
	 */
	private int key(Random random) {
		int keys = this.options.keys();
		long k = Math.round(keys / 2.0 + random.nextGaussian() * keys / 6.0);
		return (int) Math.max(0, Math.min(keys - 1, k));
	}

	/**
	 * Messages n1 sent per channel, keyed {@code channel/lanes}: where the traffic
	 * actually went.
	 */
	private static Map<String, Long> messagesByChannel(Partisan node) {
		Map<String, Long> sent = new TreeMap<>();
		Map<String, Integer> lanes = new TreeMap<>();
		for (LaneStats lane : node.connectionTable()) {
			if (!lane.channel().startsWith("_")) {
				sent.merge(lane.channel(), lane.sentMessages(), Long::sum);
				lanes.merge(lane.channel(), lane.lane() + 1, Math::max);
			}
		}
		Map<String, Long> labelled = new TreeMap<>();
		sent.forEach((channel, messages) -> labelled.put(channel + "/" + lanes.get(channel), messages));
		return labelled;
	}

}
