package dev.partisan.demo.lasp.scale;

import java.time.Duration;
import java.util.List;

/**
 * The experiment's parameters; {@link #papers()} are the papers' (000 §6.3.1, 001
 * §4.3.2): a view every 10 s on every client, the full state propagated every 5 s, and
 * the total impressions set so that a run lasts about 30 minutes whatever the cluster
 * size.
 *
 * @param viewInterval how often each client views an ad
 * @param syncInterval how often each node sends its full state to its neighbours
 * @param minutes how long the views should last: each ad's threshold is set from it
 * @param fixedThreshold when positive, every ad's threshold, whatever the size (overrides
 * {@code minutes})
 * @param ads the ads the servers create
 * @param servers how many of the nodes are servers (the rest are clients)
 * @param linkMbps the capacity of a node's link, in and out together, in Mbit/s: the
 * saturation line
 * @param latency one-way message latency (plus up to as much of seeded jitter)
 * @param gossipInterval the client-server overlay's membership gossip interval (the
 * runtime's default)
 * @param timeLimit virtual time after which a run that has not converged stops
 * @param seed seed of every random choice
 * @param viewers how many clients view ads (the first ones made); 0 for every client, as
 * in the papers. Fewer viewers keep the state's size, one counter entry per viewer and
 * ad, bounded while the cluster grows: the only way sizes past a few thousand fit in this
 * machine's memory.
 */
record ScaleSettings(Duration viewInterval, Duration syncInterval, double minutes, long fixedThreshold,
		List<String> ads, int servers, double linkMbps, Duration latency, Duration gossipInterval, Duration timeLimit,
		long seed, int viewers) {

	ScaleSettings {
		ads = List.copyOf(ads);
		if (servers < 1 || ads.isEmpty() || minutes <= 0 || linkMbps <= 0 || viewers < 0) {
			throw new IllegalArgumentException(
					"Needs at least one server and one ad, positive minutes and link, and viewers of 0 or more");
		}
	}

	/**
	 * The papers' parameters: views every 10 s, state every 5 s, ~30 minutes of views;
	 * five ads and one server (the papers' single coordination point); links of 100
	 * Mbit/s; 1 ms latency.
	 */
	static ScaleSettings papers() {
		return new ScaleSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), 30, 0,
				List.of("ad-1", "ad-2", "ad-3", "ad-4", "ad-5"), 1, 100, Duration.ofMillis(1), Duration.ofSeconds(10),
				Duration.ofMinutes(60), 1, 0);
	}

	/**
	 * Each ad's threshold for {@code clients} clients: all clients together view
	 * {@code clients / viewInterval} ads a second, spread over the ads, so that many
	 * impressions per ad last {@code minutes}.
	 */
	long thresholdFor(int clients) {
		if (this.fixedThreshold > 0) {
			return this.fixedThreshold;
		}
		double viewsPerSecond = viewersAmong(clients) / (this.viewInterval.toMillis() / 1000.0);
		return Math.max(1, Math.round(viewsPerSecond * this.minutes * 60 / this.ads.size()));
	}

	/** How many of {@code clients} clients view ads. */
	int viewersAmong(int clients) {
		return (this.viewers > 0) ? Math.min(this.viewers, clients) : clients;
	}

	ScaleSettings withViewers(int value) {
		return new ScaleSettings(this.viewInterval, this.syncInterval, this.minutes, this.fixedThreshold, this.ads,
				this.servers, this.linkMbps, this.latency, this.gossipInterval, this.timeLimit, this.seed, value);
	}

	/** The link's capacity over one propagation interval, in bytes. */
	long linkBytesPerInterval() {
		return (long) (this.linkMbps * 1_000_000 / 8 * (this.syncInterval.toMillis() / 1000.0));
	}

	ScaleSettings withMinutes(double value, Duration limit) {
		return new ScaleSettings(this.viewInterval, this.syncInterval, value, this.fixedThreshold, this.ads,
				this.servers, this.linkMbps, this.latency, this.gossipInterval, limit, this.seed, this.viewers);
	}

}
