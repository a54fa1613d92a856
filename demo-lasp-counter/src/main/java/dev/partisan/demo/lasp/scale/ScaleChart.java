package dev.partisan.demo.lasp.scale;

import java.util.List;
import java.util.Locale;

import dev.partisan.demo.lasp.scale.ScaleRun.Result;
import dev.partisan.demo.lasp.scale.ScaleRun.Topology;

/**
 * The papers' Figure 7 from a run: total state bytes transmitted against cluster size,
 * both axes logarithmic, one line per overlay; a run whose busiest node needs more than
 * its link carries is drawn as a hollow red ring and labelled. Plain SVG, written by
 * hand, so the chart needs nothing beyond the JDK.
 */
final class ScaleChart {

	private static final int WIDTH = 760;

	private static final int HEIGHT = 460;

	private static final int LEFT = 90;

	private static final int RIGHT = 30;

	private static final int TOP = 50;

	private static final int BOTTOM = 70;

	private ScaleChart() {
	}

	static String svg(List<Result> results, ScaleSettings settings) {
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
						+ "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
				WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Lasp ad counter: state bytes "
						+ "transmitted in a run, by cluster size</text>%n",
				LEFT));
		if (results.isEmpty()) {
			return svg.append("</svg>\n").toString();
		}
		double minX = log2(results.stream().mapToInt(Result::nodes).min().orElse(32));
		double maxX = log2(results.stream().mapToInt(Result::nodes).max().orElse(1024));
		if (maxX == minX) {
			maxX = minX + 1;
		}
		double minY = Math.floor(Math.log10(results.stream().mapToLong(Result::bytes).min().orElse(1)));
		double maxY = Math.ceil(Math.log10(results.stream().mapToLong(Result::bytes).max().orElse(10)));
		if (maxY == minY) {
			maxY = minY + 1;
		}
		int plotW = WIDTH - LEFT - RIGHT;
		int plotH = HEIGHT - TOP - BOTTOM;
		// Grid and axes.
		for (double y = minY; y <= maxY; y++) {
			double py = TOP + plotH - (y - minY) / (maxY - minY) * plotH;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
							+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
					LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, ScaleExperiment.human((long) Math.pow(10, y))));
		}
		for (double x = minX; x <= maxX; x++) {
			double px = LEFT + (x - minX) / (maxX - minX) * plotW;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n"
							+ "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
					px, TOP, px, TOP + plotH, px, TOP + plotH + 18, (int) Math.round(Math.pow(2, x))));
		}
		svg.append(String.format(Locale.ROOT,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n"
						+ "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">nodes (log scale)</text>%n"
						+ "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">state bytes "
						+ "sent, all nodes (log scale)</text>%n",
				LEFT, TOP, plotW, plotH, LEFT + plotW / 2, HEIGHT - 30, TOP + plotH / 2, TOP + plotH / 2));
		String[] colours = { "#1f77b4", "#ff7f0e" };
		int legend = 0;
		for (Topology topology : Topology.values()) {
			List<Result> line = results.stream()
				.filter((r) -> r.topology() == topology)
				.sorted(java.util.Comparator.comparingInt(Result::nodes))
				.toList();
			if (line.isEmpty()) {
				continue;
			}
			String colour = colours[topology.ordinal() % colours.length];
			StringBuilder points = new StringBuilder();
			for (Result r : line) {
				points
					.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(r, minX, maxX, plotW), y(r, minY, maxY, plotH)));
			}
			svg.append(String.format(Locale.ROOT,
					"<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
					points.toString().trim(), colour));
			for (Result r : line) {
				double px = x(r, minX, maxX, plotW);
				double py = y(r, minY, maxY, plotH);
				if (ScaleExperiment.saturated(r, settings)) {
					svg.append(String.format(Locale.ROOT,
							"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"white\" stroke=\"#d62728\" "
									+ "stroke-width=\"2.5\"/>%n<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" "
									+ "text-anchor=\"end\">saturated (%.0f Mbit/s)</text>%n",
							px, py, px - 10, py - 8, ScaleExperiment.busiestMbps(r, settings)));
				}
				else {
					svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>%n", px,
							py, colour));
				}
			}
			int ly = TOP + 16 + legend * 18;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n"
							+ "<text x=\"%d\" y=\"%d\">%s</text>%n",
					LEFT + 12, ly, LEFT + 36, ly, colour, LEFT + 42, ly + 4, topology.label()));
			legend++;
		}
		int ly = TOP + 16 + legend * 18;
		svg.append(String.format(Locale.ROOT,
				"<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"white\" stroke=\"#d62728\" stroke-width=\"2.5\"/>%n"
						+ "<text x=\"%d\" y=\"%d\">busiest node needs more than a %.0f Mbit/s link per %d s interval"
						+ "</text>%n",
				LEFT + 24, ly, LEFT + 42, ly + 4, settings.linkMbps(), settings.syncInterval().toSeconds()));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">view every %d s, full state every %d s, "
						+ "threshold for ~%.0f min of views, %d ads, %d server(s); simulated, seed %d</text>%n",
				LEFT, HEIGHT - 10, settings.viewInterval().toSeconds(), settings.syncInterval().toSeconds(),
				settings.minutes(), settings.ads().size(), settings.servers(), settings.seed()));
		return svg.append("</svg>\n").toString();
	}

	private static double x(Result r, double minX, double maxX, int plotW) {
		return LEFT + (log2(r.nodes()) - minX) / (maxX - minX) * plotW;
	}

	private static double y(Result r, double minY, double maxY, int plotH) {
		return TOP + plotH - (Math.log10(Math.max(1, r.bytes())) - minY) / (maxY - minY) * plotH;
	}

	private static double log2(double v) {
		return Math.log(v) / Math.log(2);
	}

}
