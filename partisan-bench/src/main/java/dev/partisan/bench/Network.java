package dev.partisan.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Puts the two benchmark hosts on a network: loopback, or two namespaces made by
 * {@code net/netns.sh} with added delay. Whatever it makes it removes in
 * {@link #close()}, and a shutdown hook removes it on Ctrl-C too.
 */
final class Network implements AutoCloseable {

	static final String SENDER_NS = "pbench-a";

	static final String RECEIVER_NS = "pbench-b";

	/**
	 * The bench module's directory: the scripts are under net/, their state under
	 * target/net/.
	 */
	private final Path benchDir;

	private final Path script;

	private final NetSetting setting;

	private final Thread hook;

	private Network(Path benchDir, NetSetting setting) {
		this.benchDir = benchDir;
		this.script = benchDir.resolve("net/netns.sh");
		this.setting = setting;
		this.hook = new Thread(this::down, "bench-netns-cleanup");
	}

	static Network up(Path benchDir, NetSetting setting) throws IOException, InterruptedException {
		Network network = new Network(benchDir, setting);
		if (setting.namespaces()) {
			Runtime.getRuntime().addShutdownHook(network.hook);
			List<String> command = new ArrayList<>(List.of("bash", network.script.toString(), "up", "--delay-ms",
					String.valueOf(setting.oneWayDelayMs())));
			if (setting.tcpWindowBytes() > 0) {
				command.addAll(List.of("--tcp-window", String.valueOf(setting.tcpWindowBytes())));
			}
			if (!setting.rate().isEmpty()) {
				command.addAll(List.of("--rate", setting.rate()));
			}
			String output = run(command, 300);
			if (output == null) {
				network.close();
				throw new IOException("netns.sh up failed for " + setting.name());
			}
		}
		return network;
	}

	/**
	 * Whether namespaces can be made here (root, iproute2 with netns); the reason when
	 * they cannot.
	 */
	static String namespacesUnavailableReason() {
		try {
			if (!"0".equals(runQuiet(List.of("id", "-u")).trim())) {
				return "not running as root";
			}
			String probe = "pbench-probe-" + ProcessHandle.current().pid();
			if (run(List.of("ip", "netns", "add", probe), 20) == null) {
				return "'ip netns add' failed";
			}
			run(List.of("ip", "netns", "del", probe), 20);
			return "";
		}
		catch (IOException | InterruptedException ex) {
			return ex.toString();
		}
	}

	String receiverHost() {
		return this.setting.namespaces() ? "198.18.0.2" : "127.0.0.1";
	}

	String senderHost() {
		return this.setting.namespaces() ? "198.18.0.1" : "127.0.0.1";
	}

	List<String> receiverPrefix() {
		return this.setting.namespaces() ? List.of("ip", "netns", "exec", RECEIVER_NS) : List.of();
	}

	List<String> senderPrefix() {
		return this.setting.namespaces() ? List.of("ip", "netns", "exec", SENDER_NS) : List.of();
	}

	/**
	 * The measured round-trip time in ms, or -1 on loopback or when it cannot be
	 * measured.
	 */
	double measuredRttMillis() throws IOException, InterruptedException {
		if (!this.setting.namespaces()) {
			return -1;
		}
		String output = run(List.of("bash", this.script.toString(), "rtt"), 60);
		if (output == null) {
			return -1;
		}
		for (String line : output.split("\n")) {
			if (line.startsWith("rtt_avg_ms=")) {
				return Double.parseDouble(line.substring("rtt_avg_ms=".length()).trim());
			}
		}
		return -1;
	}

	/** The harness's state file (what {@code up} applied), or an empty string. */
	String state() throws IOException {
		Path state = this.benchDir.resolve("target/net/state");
		return Files.exists(state) ? Files.readString(state) : "";
	}

	private void down() {
		try {
			run(List.of("bash", this.script.toString(), "down"), 60);
		}
		catch (IOException | InterruptedException ex) {
			System.err.println("netns.sh down failed: " + ex);
		}
	}

	@Override
	public void close() {
		if (this.setting.namespaces()) {
			down();
			try {
				Runtime.getRuntime().removeShutdownHook(this.hook);
			}
			catch (IllegalStateException ex) {
				// already shutting down: the hook runs anyway
			}
		}
	}

	/**
	 * Runs a command; returns its output, or null when it fails or times out (output
	 * echoed to stderr).
	 */
	static @Nullable String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		byte[] out = process.getInputStream().readAllBytes();
		boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
		String text = new String(out, StandardCharsets.UTF_8);
		if (!exited || process.exitValue() != 0) {
			process.destroyForcibly();
			System.err.println("command failed: " + String.join(" ", command) + "\n" + text);
			return null;
		}
		return text;
	}

	private static String runQuiet(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor(10, TimeUnit.SECONDS);
		return text;
	}

}
