package dev.partisan.demo.lasp;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo's own settings ({@code lasp.*}).
 *
 * @param ads the advertisements servers create at start-up (clients learn them from the
 * servers)
 * @param threshold impressions after which an ad is disabled
 * @param syncInterval how often each node sends the state of every ad to its neighbours
 * (the papers' propagation interval, 5 s there; shorter here so that a person at a
 * terminal sees it move)
 * @param flushTimeout how long a stopping node waits for its neighbours to take its last
 * state
 * @param simulate whether clients view ads by themselves, as the papers' simulated
 * devices do
 * @param viewInterval with {@code simulate}, the pause between two views of one client
 * (10 s in the papers)
 */
@ConfigurationProperties("lasp")
public record LaspProperties(@DefaultValue( {
		"ad-1", "ad-2", "ad-3", "ad-4", "ad-5" }) List<String> ads, @DefaultValue("50") long threshold,
		@DefaultValue("1s") Duration syncInterval, @DefaultValue("2s") Duration flushTimeout,
		@DefaultValue("false") boolean simulate, @DefaultValue("500ms") Duration viewInterval){

	public LaspProperties {
		if (threshold < 1) {
			throw new IllegalArgumentException("lasp.threshold must be at least 1, not " + threshold);
		}
		if (syncInterval.isNegative() || syncInterval.isZero() || viewInterval.isNegative() || viewInterval.isZero()) {
			throw new IllegalArgumentException("lasp.sync-interval (" + syncInterval + ") and lasp.view-interval ("
					+ viewInterval + ") must be positive");
		}
		ads = List.copyOf(ads);
	}

}
