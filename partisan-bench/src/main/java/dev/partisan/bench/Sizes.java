package dev.partisan.bench;

/** Formatting of byte sizes for labels. */
final class Sizes {

	private Sizes() {
	}

	static String human(long bytes) {
		if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + "MiB";
		}
		if (bytes >= 1024 && bytes % 1024 == 0) {
			return (bytes / 1024) + "KiB";
		}
		return bytes + "B";
	}

}
