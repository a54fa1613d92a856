package dev.partisan.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.Node;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.transport.ChannelSpec;

/**
 * The receiver of the crash scenario ({@link CrashScenario}), in a JVM of its own so it
 * can be killed with SIGKILL: its handler on an acknowledged channel is slow and appends
 * the id of each message it handled to a file before it returns.
 *
 * <p>
 * Arguments: {@code <port> <seed name@host:port> <file> <handler ms>}. Prints
 * {@code READY} once joined; runs until killed or until its standard input closes.
 */
public final class CrashReceiverPeer {

	static final String NAME = "receiver";

	static final String HANDLER = "slow";

	static final ChannelSpec ACKED = new ChannelSpec("acked", 1, false, true, false);

	private CrashReceiverPeer() {
	}

	/** Failure detection and reconnection fast enough for a scenario of seconds. */
	static PartisanConfig.Builder config(String name, int port) {
		return PartisanConfig.builder(name)
			.host("127.0.0.1")
			.port(port)
			.channel(ACKED)
			.heartbeatInterval(java.time.Duration.ofMillis(100))
			.failureTimeout(java.time.Duration.ofSeconds(1))
			.reconnectBackoff(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(500));
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Node seed = Node.parse(args[1]);
		long handlerMillis = Long.parseLong(args[3]);
		// One write(2) per id before the handler returns: the bytes are then in the page
		// cache, which survives a SIGKILL of this process. fsync (force) would only add
		// protection against a machine crash, not simulated here, at a disk flush per
		// message.
		try (FileChannel handled = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			PartisanNode node = PartisanNode.create(config(NAME, port).build());
			// Registered before the node listens: a message for a missing handler would
			// be
			// acknowledged unhandled.
			node.register(HANDLER, String.class, (id, meta) -> {
				TimeUnit.MILLISECONDS.sleep(handlerMillis);
				ByteBuffer line = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII));
				while (line.hasRemaining()) {
					handled.write(line);
				}
			});
			node.start();
			try {
				node.syncJoin(seed).get(60, TimeUnit.SECONDS);
				Protocol.ready();
				Protocol.awaitStdinClosed();
			}
			finally {
				node.close();
			}
		}
	}

}
