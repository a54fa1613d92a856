package dev.partisan.demo.lasp.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Takes the README's picture of the live cluster page: the demo's own cluster
 * ({@link LocalCluster}: servers s1, s2 and clients c1, c2, c3 on {@code client-server},
 * on free ports so that it can run beside the interactive one) with the clients viewing
 * ads by themselves ({@code lasp.simulate}) for 25 seconds, photographed from s1 by
 * headless Chromium (Debian's {@code chromium} and {@code chromium-driver}). Not a test:
 * run it with {@code ./mvnw -q -pl demo-lasp-counter -am test-compile -Pscreenshot},
 * which writes {@code demo-lasp-counter/dashboard.png}.
 */
public final class DashboardScreenshot {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration RUN = Duration.ofSeconds(25);

	private DashboardScreenshot() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of((args.length > 0) ? args[0] : "dashboard.png").toAbsolutePath();
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			throw new IllegalStateException("The screenshot needs " + CHROMIUM + " and " + CHROMEDRIVER
					+ " (apt-get install chromium chromium-driver)");
		}
		System.out.println("Starting s1, s2, c1, c2, c3 on free ports ...");
		try (LocalCluster cluster = LocalCluster.start("client-server", true, List.of("--lasp.simulate=true"))) {
			ChromeDriver browser = browser();
			try {
				String port = cluster.nodes().get(0).getEnvironment().getProperty("local.server.port");
				browser.get("http://127.0.0.1:" + port + "/actuator/partisandashboard");
				Thread.sleep(RUN.toMillis());
				Number up = (Number) browser
					.executeScript("return document.querySelectorAll(\"#graph .member[data-state='up']\").length;");
				if (up.intValue() != 5) {
					throw new IllegalStateException("The page shows " + up + " members up, not 5");
				}
				screenshot(browser, out);
			}
			finally {
				browser.quit();
			}
		}
		System.out.println("Wrote " + out);
	}

	private static ChromeDriver browser() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// --no-sandbox: chromium refuses its sandbox as root.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1100,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		return browser;
	}

	/** The whole page, however tall, through Chromium's own screenshot command. */
	private static void screenshot(ChromeDriver browser, Path out) throws Exception {
		Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight;");
		Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true, "clip",
						Map.of("x", 0, "y", 0, "width", 1100, "height", height.intValue(), "scale", 1)));
		Files.createDirectories(out.getParent());
		Files.write(out, Base64.getDecoder().decode((String) shot.get("data")));
	}

}
