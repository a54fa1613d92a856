package dev.partisan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;

/**
 * An in-process Apache Qpid Broker-J that speaks AMQP 0-9-1, for tests that need a real
 * broker without Docker or an installed RabbitMQ.
 *
 * <p>
 * Everything is in memory: the broker configuration, the virtual host and its messages.
 * The only file written is the initial configuration, into a private temporary directory
 * that {@link #stop()} deletes. Qpid logs through SLF4J and is given no broker loggers of
 * its own, so the test's logging setup (logback) stays in charge.
 *
 * <p>
 * A broker restart is simulated with {@link #restart()}, or {@link #stop()} followed by
 * {@link #start()}: the new broker listens on the same port but has none of the previous
 * exchanges, queues or messages, just like a RabbitMQ node with nothing durable on it.
 *
 * <pre>{@code
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(0)) {
 *     CachingConnectionFactory cf = new CachingConnectionFactory("127.0.0.1", broker.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>
 * Instances are thread safe; they are not meant to be shared between JVMs or to run two
 * on the same port.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

	/** The only user; it matches RabbitMQ's and Spring AMQP's defaults. */
	public static final String USERNAME = "guest";

	/** Password of {@link #USERNAME}. */
	public static final String PASSWORD = "guest";

	/**
	 * Name of the single virtual host; clients asking for {@code "/"} are routed to it
	 * too.
	 */
	public static final String VIRTUAL_HOST = "default";

	private static final String LOOPBACK = "127.0.0.1";

	private final int requestedPort;

	private int boundPort = -1;

	private long startupMillis;

	private SystemLauncher launcher;

	private Path workDir;

	private EmbeddedAmqpBroker(int port) {
		if (port < 0 || port > 65_535) {
			throw new IllegalArgumentException("port out of range: " + port);
		}
		this.requestedPort = port;
	}

	/**
	 * Starts a broker on {@code 127.0.0.1}.
	 * @param port the TCP port to listen on, or {@code 0} to let the operating system
	 * pick a free one (see {@link #port()}); later restarts keep whichever port was bound
	 * first
	 * @return the running broker
	 * @throws IllegalStateException if the broker fails to start, for example because the
	 * port is taken
	 */
	public static EmbeddedAmqpBroker start(int port) {
		EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(port);
		broker.start();
		return broker;
	}

	/**
	 * Starts this broker again after {@link #stop()}, with empty state, on the port it
	 * had before. Does nothing if it is already running.
	 */
	public synchronized void start() {
		if (launcher != null) {
			return;
		}
		int port = boundPort > 0 ? boundPort : requestedPort;
		long began = System.nanoTime();
		boolean started = false;
		try {
			workDir = Files.createTempDirectory("qpid-broker-j-");
			Path config = workDir.resolve("initial-config.json");
			Files.writeString(config, initialConfiguration(port), StandardCharsets.UTF_8);

			AtomicReference<SystemConfig<?>> systemConfig = new AtomicReference<>();
			AtomicReference<RuntimeException> failure = new AtomicReference<>();
			SystemLauncher candidate = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
				@Override
				public void onContainerResolve(SystemConfig<?> resolved) {
					systemConfig.set(resolved);
				}

				@Override
				public void errorOnStartup(RuntimeException e) {
					// SystemLauncher only reports startup failures here; it does not
					// rethrow them.
					failure.set(e);
				}
			});
			candidate.startup(systemAttributes(config));
			if (failure.get() != null) {
				throw failure.get();
			}
			launcher = candidate;
			boundPort = amqpPortOf(systemConfig.get());
			started = true;
		}
		catch (Exception e) {
			throw new IllegalStateException("Embedded AMQP broker failed to start on port " + port, e);
		}
		finally {
			if (!started) {
				// Also on Errors such as NoClassDefFoundError from a missing dependency.
				stop();
			}
		}
		startupMillis = (System.nanoTime() - began) / 1_000_000;
	}

	/**
	 * Stops the broker, dropping all its connections, and deletes its temporary
	 * directory.
	 */
	public synchronized void stop() {
		if (launcher == null && workDir == null) {
			return;
		}
		try {
			if (launcher != null) {
				launcher.shutdown();
			}
		}
		finally {
			launcher = null;
			deleteWorkDir();
		}
	}

	/**
	 * Stops the broker and starts a fresh one on the same port: a simulated broker
	 * restart.
	 */
	public synchronized void restart() {
		stop();
		start();
	}

	/** Same as {@link #stop()}. */
	@Override
	public void close() {
		stop();
	}

	/**
	 * @return the port clients should connect to; valid once the broker has started
	 */
	public synchronized int port() {
		return boundPort;
	}

	/**
	 * @return the loopback address the broker listens on
	 */
	public String host() {
		return LOOPBACK;
	}

	/**
	 * @return whether the broker is currently running
	 */
	public synchronized boolean isRunning() {
		return launcher != null;
	}

	/**
	 * @return how long the most recent start took, in milliseconds
	 */
	public synchronized long lastStartupMillis() {
		return startupMillis;
	}

	/**
	 * Attributes of Qpid's root "system config" object.
	 *
	 * <ul>
	 * <li>{@code type=Memory}: the broker's own configuration lives in memory and is
	 * seeded from the initial configuration on every start, so nothing is persisted
	 * between runs. This type also defaults to a no-op preference store, so no
	 * {@code preferences.json}.
	 * <li>{@code startupLoggedToSystemOut=false}: keeps Qpid's startup banner off stdout;
	 * its operational messages still go to SLF4J loggers named {@code qpid.message.*}.
	 * <li>{@code qpid.work_dir}: otherwise defaults to {@code ${user.dir}/work}, that is,
	 * into the project directory. Pointing it at the temporary directory keeps any stray
	 * file there.
	 * </ul>
	 */
	private Map<String, Object> systemAttributes(Path config) {
		Map<String, Object> attributes = new HashMap<>();
		attributes.put(SystemConfig.TYPE, "Memory");
		attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
		attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, Boolean.FALSE);
		attributes.put(SystemConfig.CONTEXT, Map.of("qpid.work_dir", workDir.toString()));
		return attributes;
	}

	/**
	 * The broker's initial configuration.
	 *
	 * <ul>
	 * <li>No {@code brokerloggers}: Qpid then installs no logback appenders or turbo
	 * filters and simply logs through SLF4J, leaving the application's logging
	 * configuration alone.
	 * <li>{@code queue.behaviourOnUnknownDeclareArgument=LOG}: Qpid rejects queue
	 * arguments it does not know (RabbitMQ's {@code x-expires}, {@code x-message-ttl},
	 * ...) by closing the channel. With {@code LOG} it declares the queue, ignores the
	 * argument and logs a warning.
	 * <li>A {@code Plain} authentication provider holding guest/guest, with
	 * {@code secureOnlyMechanisms} empty: by default Qpid offers PLAIN only over TLS, and
	 * the RabbitMQ Java client authenticates with PLAIN.
	 * <li>An AMQP port bound to loopback only. Its {@code defaultAlias} sends clients
	 * that ask for virtual host {@code "/"} (the RabbitMQ default; Qpid strips the slash,
	 * leaving an empty name) to the default virtual host node, and {@code nameAlias}
	 * accepts {@code "default"}. The aliases are listed because a port restored from
	 * configuration does not add them.
	 * <li>One {@code Memory} virtual host node whose virtual host is also {@code Memory}:
	 * no message store on disk.
	 * </ul>
	 */
	private static String initialConfiguration(int port) {
		return """
				{
				  "name": "embedded-amqp-broker",
				  "modelVersion": "9.1",
				  "context": { "queue.behaviourOnUnknownDeclareArgument": "LOG" },
				  "authenticationproviders": [ {
					"name": "plain",
					"type": "Plain",
					"secureOnlyMechanisms": [],
					"users": [ { "name": "%s", "type": "managed", "password": "%s" } ]
				  } ],
				  "ports": [ {
					"name": "AMQP",
					"type": "AMQP",
					"port": %d,
					"bindingAddress": "%s",
					"authenticationProvider": "plain",
					"virtualhostaliases": [
					  { "name": "nameAlias", "type": "nameAlias" },
					  { "name": "defaultAlias", "type": "defaultAlias" }
					]
				  } ],
				  "virtualhostnodes": [ {
					"name": "%s",
					"type": "Memory",
					"defaultVirtualHostNode": "true",
					"virtualHostInitialConfiguration": "{ \\"type\\": \\"Memory\\" }"
				  } ]
				}
				""".formatted(USERNAME, PASSWORD, port, LOOPBACK, VIRTUAL_HOST);
	}

	/**
	 * Finds the AMQP port and checks it really listens: a bind failure does not fail
	 * startup.
	 */
	private static int amqpPortOf(SystemConfig<?> systemConfig) {
		if (systemConfig == null || !(systemConfig.getContainer() instanceof Broker<?> broker)) {
			throw new IllegalStateException("Qpid started without a broker");
		}
		for (Port<?> port : broker.getPorts()) {
			if ("AMQP".equals(port.getName())) {
				if (port.getState() != State.ACTIVE || port.getBoundPort() <= 0) {
					throw new IllegalStateException("AMQP port is " + port.getState() + " (port in use?)");
				}
				return port.getBoundPort();
			}
		}
		throw new IllegalStateException("Qpid started without an AMQP port");
	}

	private void deleteWorkDir() {
		Path dir = workDir;
		workDir = null;
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
