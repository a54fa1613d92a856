package dev.partisan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Small hand-written SVG bar charts, so the report needs no plotting library. */
final class Charts {

	private Charts() {
	}

	/**
	 * Goodput of the micro cases with 16 senders and 1 MiB; false when there are none.
	 */
	static boolean goodput(Path file, String title, List<CaseResult> results) throws IOException {
		List<CaseResult> bars = results.stream()
			.filter((r) -> r.ok() && r.benchCase().experiment().equals("micro") && r.benchCase().senders() == 16
					&& r.benchCase().size() == 1024 * 1024)
			.toList();
		if (bars.isEmpty()) {
			return false;
		}
		double max = bars.stream().mapToDouble(CaseResult::goodputMBps).max().orElse(1);
		int barHeight = 22;
		int labelWidth = 220;
		int plotWidth = 420;
		int height = 40 + bars.size() * (barHeight + 6);
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
				labelWidth + plotWidth + 90, height));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"10\" y=\"20\" font-size=\"14\">Goodput, 16 senders, 1 MiB — %s</text>%n", escape(title)));
		int y = 34;
		for (CaseResult r : bars) {
			BenchCase c = r.benchCase();
			int width = (int) Math.max(1, Math.round(plotWidth * r.goodputMBps() / max));
			String color = c.raw() ? "#999999" : (c.config().equals("baseline") ? "#d9822b" : "#2b6cd9");
			svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s P=%d</text>%n", y + 15,
					escape(c.config()), c.lanes()));
			svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
					labelWidth, y, width, barHeight, color));
			svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.0f MB/s</text>%n", labelWidth + width + 6,
					y + 15, r.goodputMBps()));
			y += barHeight + 6;
		}
		svg.append("</svg>\n");
		Files.writeString(file, svg.toString());
		return true;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;");
	}

}
