package dev.partisan.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.Node;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.ChannelSpec;

/**
 * The receiver of {@link ReceiverKilledWithABacklogTest}, in a JVM of its own so that it
 * can be killed with SIGKILL: a node whose handler on an acknowledged channel is slow and
 * appends the id of every message it handled to a file before it returns.
 *
 * <p>
 * Arguments: {@code <port> <seed name@host:port> <file> <handler millis>}. Prints
 * {@code READY} once joined; stops when its standard input closes, so it never outlives
 * the test that started it.
 */
public final class SlowReceiverProcess {

	static final String NAME = "receiver";

	static final String HANDLER = "slow";

	static final ChannelSpec ACKED = new ChannelSpec("acked", 1, false, true, false);

	static final String READY = "READY";

	private SlowReceiverProcess() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Node seed = Node.parse(args[1]);
		Path file = Path.of(args[2]);
		long handlerMillis = Long.parseLong(args[3]);
		// Each id is written with its own write(2) before the handler returns. That puts
		// it
		// in the kernel's page cache, which a SIGKILL of this process does not touch: the
		// test reads it afterwards. force() (fsync) would guard against a machine crash,
		// which is not what is simulated, and would add a disk flush to every message.
		try (FileChannel handled = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			PartisanNode node = PartisanNode
				.create(TestNodes.config(NAME).port(port).channel(ACKED).handlerThreads(2).build());
			// Registered before the node starts: a retransmission may arrive the moment
			// it
			// listens, and a message for a missing handler is acknowledged unhandled.
			node.register(HANDLER, String.class, (id, meta) -> {
				TimeUnit.MILLISECONDS.sleep(handlerMillis);
				ByteBuffer line = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII));
				while (line.hasRemaining()) {
					handled.write(line);
				}
			});
			node.start();
			try {
				node.syncJoin(seed).get(30, TimeUnit.SECONDS);
				System.out.println(READY);
				System.out.flush();
				awaitEndOf(System.in);
			}
			finally {
				node.close();
			}
		}
	}

	private static void awaitEndOf(InputStream in) throws IOException {
		byte[] buffer = new byte[64];
		while (in.read(buffer) >= 0) {
			// nothing is sent; the end of the stream is the signal to stop
		}
	}

	/** How long a restarted receiver may take to start and join on a busy machine. */
	static Duration startLimit() {
		return Duration.ofSeconds(30);
	}

}
