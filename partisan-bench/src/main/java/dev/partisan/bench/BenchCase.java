package dev.partisan.bench;

/**
 * One measured case.
 *
 * @param experiment {@code micro}, {@code isolation} or {@code hol}
 * @param config the configuration measured, e.g. {@code baseline}, {@code affinity},
 * {@code raw-shared}
 * @param lanes connections per channel (P)
 * @param senders concurrent sender actors (N)
 * @param messages messages per sender (M)
 * @param size payload bytes of each measured message
 * @param backgroundSize payload bytes of background traffic (isolation and hol), 0 for
 * none
 */
public record BenchCase(String experiment, String config, int lanes, int senders, int messages, int size,
		int backgroundSize) {

	public boolean raw() {
		return this.config.startsWith("raw-");
	}

	public String label() {
		return this.experiment + " " + this.config + " P=" + this.lanes + " N=" + this.senders + " size="
				+ Sizes.human(this.size) + ((this.backgroundSize > 0) ? " bg=" + Sizes.human(this.backgroundSize) : "");
	}

}
