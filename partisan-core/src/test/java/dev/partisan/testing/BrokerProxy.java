package dev.partisan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay between nodes and the AMQP broker, so a test can take the broker
 * away from them and give it back: {@link #cut()} closes every relayed connection and
 * refuses new ones (what a broker restart or {@code rabbitmqctl close_all_connections}
 * looks like from a client), {@link #restore()} accepts again on the same port. Works the
 * same in front of RabbitMQ and the embedded broker.
 */
public final class BrokerProxy implements AutoCloseable {

	private static final int RECORDING_LIMIT = 16 * 1024 * 1024;

	private final java.io.ByteArrayOutputStream recording = new java.io.ByteArrayOutputStream();

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket server;

	public BrokerProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.server = bind(0);
		this.port = this.server.getLocalPort();
		accept(this.server);
	}

	/** Everything that passed through the relay so far, both ways (the first 16 MiB). */
	public byte[] recorded() {
		synchronized (this.recording) {
			return this.recording.toByteArray();
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Closes every relayed connection and stops accepting: the broker is gone, for the
	 * nodes.
	 */
	public synchronized void cut() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
	}

	/** Accepts connections again, on the same port. */
	public synchronized void restore() throws IOException {
		if (this.server.isClosed()) {
			this.server = bind(this.port);
			accept(this.server);
		}
	}

	private static ServerSocket bind(int port) throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		return socket;
	}

	private void accept(ServerSocket listening) {
		Thread acceptor = new Thread(() -> {
			while (!listening.isClosed()) {
				try {
					Socket client = listening.accept();
					Socket upstream;
					try {
						upstream = new Socket(this.targetHost, this.targetPort);
					}
					catch (IOException ex) {
						// The broker itself is down: the client sees its connection close
						// at once.
						closeQuietly(client);
						continue;
					}
					this.sockets.add(client);
					this.sockets.add(upstream);
					if (listening.isClosed()) {
						// cut() ran while this connection was being set up
						closeQuietly(client);
						closeQuietly(upstream);
						continue;
					}
					pipe(client, upstream);
					pipe(upstream, client);
				}
				catch (IOException ex) {
					// closed by cut(), or the broker refused: the client sees its
					// connection drop
				}
			}
		}, "broker-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void pipe(Socket from, Socket to) {
		Thread copier = new Thread(() -> {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					record(buffer, read);
					out.write(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "broker-proxy-pipe");
		copier.setDaemon(true);
		copier.start();
	}

	private void record(byte[] buffer, int length) {
		synchronized (this.recording) {
			if (this.recording.size() + length <= RECORDING_LIMIT) {
				this.recording.write(buffer, 0, length);
			}
		}
	}

	private void closeQuietly(Socket socket) {
		this.sockets.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		cut();
	}

}
