package dev.partisan.demo.kv.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.partisan.demo.kv.kv.KvService;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Takes the README's picture of the live cluster page: the demo's own three-node cluster
 * ({@link LocalCluster}, profile {@code partisan}, on free ports so that it can run
 * beside the interactive one) with gets and puts on every node for 20 seconds,
 * photographed from n1 by headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}). Not a test: run it with
 * {@code ./mvnw -q -pl demo-riakcore-kv -am test-compile -Pscreenshot}, which writes
 * {@code demo-riakcore-kv/dashboard.png}.
 */
public final class DashboardScreenshot {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration LOAD = Duration.ofSeconds(20);

	private DashboardScreenshot() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of((args.length > 0) ? args[0] : "dashboard.png").toAbsolutePath();
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			throw new IllegalStateException("The screenshot needs " + CHROMIUM + " and " + CHROMEDRIVER
					+ " (apt-get install chromium chromium-driver)");
		}
		System.out.println("Starting n1, n2, n3 on free ports ...");
		try (LocalCluster cluster = LocalCluster.start("partisan", true, List.of("--kv.handoff-on-stop=false"))) {
			ExecutorService workers = Executors.newFixedThreadPool(8);
			ChromeDriver browser = browser();
			try {
				long until = System.nanoTime() + LOAD.toNanos();
				List<Future<?>> running = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					KvService kv = cluster.nodes().get(i % 3).getBean(KvService.class);
					running.add(workers.submit(() -> load(kv, until)));
				}
				String port = cluster.nodes().get(0).getEnvironment().getProperty("local.server.port");
				browser.get("http://127.0.0.1:" + port + "/actuator/partisandashboard?refresh=0.5");
				// The picture is taken under load, a second before it ends.
				Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) - 1000));
				Number up = (Number) browser
					.executeScript("return document.querySelectorAll(\"#graph .member[data-state='up']\").length;");
				if (up.intValue() != 3) {
					throw new IllegalStateException("The page shows " + up + " members up, not 3");
				}
				screenshot(browser, out);
				for (Future<?> worker : running) {
					worker.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				workers.shutdownNow();
				browser.quit();
			}
		}
		System.out.println("Wrote " + out);
	}

	/**
	 * Nine gets to a put of 16 KiB over 1,000 keys, at a few requests a second in the
	 * first and third quarters of the run and as fast as the quorum answers in the
	 * others, so that the charts show the throughput change.
	 */
	private static void load(KvService kv, long until) {
		byte[] value = "v".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
		long start = System.nanoTime();
		long quarter = (until - start) / 4;
		while (System.nanoTime() < until) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			String key = "key-" + random.nextInt(1000);
			try {
				if (random.nextInt(10) == 0) {
					kv.put(key, value).get(5, TimeUnit.SECONDS);
				}
				else {
					kv.get(key).get(5, TimeUnit.SECONDS);
				}
				if (((System.nanoTime() - start) / quarter) % 2 == 0) {
					Thread.sleep(200);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// A failed request (a timeout, no quorum) is part of what the page shows.
			}
		}
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
