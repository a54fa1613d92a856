package dev.partisan.demo.kv.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line, redrawn in place: how far the run is, requests so far, their rate and errors.
 */
final class ProgressBar {

	private static final int WIDTH = 30;

	private final PrintStream out;

	private final String label;

	private final long startNanos = System.nanoTime();

	ProgressBar(PrintStream out, String label) {
		this.out = out;
		this.label = label;
	}

	/**
	 * @param done the share of the run that is over, 0..1
	 * @param ops requests completed
	 * @param errors requests failed
	 */
	void draw(double done, long ops, long errors) {
		double seconds = (System.nanoTime() - this.startNanos) / 1e9;
		int filled = (int) Math.round(Math.min(1, done) * WIDTH);
		this.out.printf(Locale.ROOT, "\r  %-9s [%s%s] %3.0f%%  %5.1fs  %,9d ops  %,8.0f ops/s  errors %,d   ",
				this.label, "#".repeat(filled), ".".repeat(WIDTH - filled), Math.min(1, done) * 100, seconds, ops,
				(seconds > 0) ? ops / seconds : 0, errors);
		this.out.flush();
	}

	void finish() {
		this.out.println();
	}

	/** Redraws every {@code periodMillis} on a daemon thread until stopped. */
	static Thread every(long periodMillis, Runnable draw) {
		Thread thread = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				draw.run();
				try {
					Thread.sleep(periodMillis);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "kv-load-progress");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static double share(long part, long whole) {
		return (whole <= 0) ? 0 : (double) part / whole;
	}

}
