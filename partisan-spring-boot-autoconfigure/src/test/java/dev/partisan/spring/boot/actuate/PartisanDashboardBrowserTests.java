package dev.partisan.spring.boot.actuate;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.actuate.ClusterTestApplication.Put;
import dev.partisan.spring.core.PartisanTemplate;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live cluster page in a real headless browser (Debian's chromium and chromedriver,
 * which {@code .ci/run} installs): five WebFlux applications on the peer-to-peer overlay,
 * the page served by the first; it draws five members and the first node's edges to the
 * four others, lane charts, and a stopped node as down with the reason. Screenshots go to
 * {@code target/partisan-dashboard/}.
 */
class PartisanDashboardBrowserTests {

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "partisan-dashboard");

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private static WebDriver browser;

	@BeforeAll
	static void startFiveNodesAndABrowser() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			System.err.println("!!!!! PartisanDashboardBrowserTests SKIPPED: " + CHROMIUM + " and " + CHROMEDRIVER
					+ " are needed (apt-get install chromium chromium-driver; .ci/run installs them)");
		}
		assumeTrue(installed, "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
				+ " (Debian packages chromium and chromium-driver, which .ci/run installs)");
		ConfigurableApplicationContext first = start("n1", null);
		String seed = "n1@127.0.0.1:" + first.getBean(Partisan.class).localNode().port();
		for (int i = 2; i <= 5; i++) {
			start("n" + i, seed);
		}
		await().atMost(LIMIT).until(() -> first.getBean(Partisan.class).members().size() == 5);

		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// --no-sandbox: CI runs as root, where chromium refuses its sandbox.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1100,1150");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(LIMIT);
	}

	private static ConfigurableApplicationContext start(String name, String seed) {
		List<String> args = new ArrayList<>(
				List.of("--spring.main.banner-mode=off", "--server.port=0", "--management.server.port=0",
						"--management.endpoints.web.exposure.include=partisan,partisanchannels,partisandashboard",
						"--partisan.dashboard.enabled=true", "--partisan.overlay=peer-to-peer",
						"--partisan.node.name=" + name, "--partisan.node.port=0",
						"--partisan.channels.vnode.parallelism=2", "--partisan.heartbeat-interval=100ms",
						"--partisan.failure-timeout=1s", "--partisan.connection-refresh-interval=20ms",
						"--partisan.join-retry-interval=200ms", "--management.health.rabbit.enabled=false"));
		if (seed != null) {
			args.add("--partisan.seeds=" + seed);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterTestApplication.class)
			.run(args.toArray(String[]::new));
		nodes.add(context);
		return context;
	}

	@AfterAll
	static void stopAll() {
		if (browser != null) {
			browser.quit();
		}
		nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void thePageShowsFiveMembersAndTheirEdgesThenAStoppedNodeAsDown() throws IOException {
		ConfigurableApplicationContext n1 = nodes.get(0);
		String port = n1.getEnvironment().getProperty("local.management.port");
		browser.get("http://127.0.0.1:" + port + "/actuator/partisandashboard?refresh=0.5");

		awaitPage("five-up", () -> {
			assertThat(names("#graph .member[data-state='up']")).containsExactly("n1", "n2", "n3", "n4", "n5");
			assertThat(edgesFrom("n1", "active")).containsExactlyInAnyOrder("n2", "n3", "n4", "n5");
		});
		assertThat(read("#overlay-name", "textContent")).containsExactly("peer-to-peer");
		assertThat(read("#graph .member.self", "data-name")).containsExactly("n1");

		sendTraffic();
		awaitPage("charts", () -> {
			int lanes = read("#lane-rows tr.lane", "textContent").size();
			assertThat(lanes).isPositive();
			assertThat(read("#lane-rows svg.spark polyline", "points")).hasSize(3 * lanes);
		});
		screenshot("dashboard-5-nodes.png");

		nodes.get(2).close();
		awaitPage("n3-down", () -> {
			assertThat(names("#graph .member[data-state='down']")).containsExactly("n3");
			assertThat(names("#graph .member[data-state='up']")).containsExactly("n1", "n2", "n4", "n5");
			assertThat(edgesFrom("n1", "active")).containsExactlyInAnyOrder("n2", "n4", "n5");
		});
		awaitPage("n3-reason", () -> {
			assertThat(read("#member-rows tr[data-name='n3'] td.state-down", "textContent")).containsExactly("down");
			assertThat(read("#graph .member[data-name='n3'] text.reason", "textContent")).singleElement()
				.isIn("down: unreachable", "down: left");
			assertThat(read("#status", "textContent")).singleElement().asString().startsWith("updated");
		});
		sendTraffic();
		screenshot("dashboard-node-down.png");
	}

	/**
	 * Messages from every running node to each of its members (on peer-to-peer, its
	 * active view), in growing and shrinking bursts spread over a few polls, for the
	 * charts to show them.
	 */
	private static void sendTraffic() {
		List<ConfigurableApplicationContext> running = nodes.stream()
			.filter(ConfigurableApplicationContext::isActive)
			.toList();
		for (int round = 0; round < 30; round++) {
			for (ConfigurableApplicationContext from : running) {
				Partisan partisan = from.getBean(Partisan.class);
				PartisanTemplate template = from.getBean(PartisanTemplate.class);
				for (Node peer : partisan.members()) {
					for (int i = 0; !peer.equals(partisan.localNode()) && i < 5 * (round % 6 + 1); i++) {
						template.send(peer.name(), "store", new Put("k" + i, "v" + round));
					}
				}
			}
			await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
		}
	}

	/**
	 * Waits for the page to pass {@code assertions}; when it does not in time, keeps a
	 * screenshot and the page's HTML next to the others for the failure's diagnosis.
	 */
	private static void awaitPage(String step, ThrowingRunnable assertions) throws IOException {
		try {
			await().atMost(LIMIT).untilAsserted(assertions);
		}
		catch (ConditionTimeoutException ex) {
			screenshot("failed-" + step + ".png");
			Files.writeString(SCREENSHOTS.resolve("failed-" + step + ".html"), browser.getPageSource());
			throw ex;
		}
	}

	private static List<String> names(String selector) {
		return read(selector, "data-name").stream().sorted().toList();
	}

	private static List<String> edgesFrom(String from, String kind) {
		return read("#graph line.edge." + kind + "[data-from='" + from + "']", "data-to");
	}

	/**
	 * An attribute (or the text, for {@code textContent}) of every element that matches,
	 * read in one script: the page redraws itself on every poll, so elements found in one
	 * call could be gone by the next.
	 */
	@SuppressWarnings("unchecked")
	private static List<String> read(String selector, String attribute) {
		return (List<String>) ((JavascriptExecutor) browser).executeScript(
				"return Array.from(document.querySelectorAll(arguments[0]), (e) => "
						+ "arguments[1] === 'textContent' ? e.textContent : e.getAttribute(arguments[1]));",
				selector, attribute);
	}

	private static void screenshot(String name) throws IOException {
		File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
		Files.createDirectories(SCREENSHOTS);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

}
