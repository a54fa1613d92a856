package dev.partisan.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The physical ceiling: the same request/acknowledgement workload over plain Java
 * sockets, with no runtime in the way. {@code raw-shared}: one connection that all
 * senders share, writes framed and serialized; {@code raw-per-sender}: P connections,
 * sender i on connection i mod P. A frame is {@code int length | payload}; an
 * acknowledgement is the payload's 8 header bytes.
 *
 * <p>
 * Receiver: {@code receiver <host> <port>}. Sender:
 * {@code sender <host> <port> <receiver name@host:port> <cases json>}, the same arguments
 * as {@link PartisanPeer}'s.
 */
public final class RawSocketPeer {

	static final int REQUEST_ACK = 0;

	static final int ONE_WAY = 1;

	static final int ECHO = 2;

	private RawSocketPeer() {
	}

	public static void main(String[] args) throws Exception {
		if (args[0].equals("receiver")) {
			receive(args[1], Integer.parseInt(args[2]));
		}
		else if (args[0].equals("driven")) {
			dev.partisan.api.Node receiver = dev.partisan.api.Node.parse(args[3]);
			Driven.serve(Long.parseLong(args[4]), new RequestAckLoop(), new Driver(receiver.host(), receiver.port()));
		}
		else {
			dev.partisan.api.Node receiver = dev.partisan.api.Node.parse(args[3]);
			send(receiver.host(), receiver.port(), Protocol.readCases(args[4]));
		}
	}

	private static void receive(String host, int port) throws IOException {
		ServerSocket server = new ServerSocket(port, 1024, InetAddress.getByName(host));
		Thread acceptor = new Thread(() -> {
			while (!server.isClosed()) {
				try {
					Socket socket = server.accept();
					socket.setTcpNoDelay(true);
					Thread reader = new Thread(() -> serve(socket), "raw-receiver");
					reader.setDaemon(true);
					reader.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "raw-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
		Protocol.ready();
		Protocol.awaitStdinClosed();
		server.close();
	}

	private static void serve(Socket socket) {
		try (socket) {
			DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
			int mode = in.readInt();
			byte[] buffer = new byte[64 * 1024];
			long count = 0;
			while (true) {
				int length = in.readInt();
				if (buffer.length < length) {
					buffer = new byte[length];
				}
				in.readFully(buffer, 0, length);
				switch (mode) {
					case REQUEST_ACK -> {
						out.write(buffer, 0, 8);
						out.flush();
					}
					case ONE_WAY -> {
						if (++count % Driven.REPORT_EVERY == 0) {
							out.writeLong(count);
							out.flush();
						}
					}
					case ECHO -> {
						out.writeInt(length);
						out.write(buffer, 0, length);
						out.flush();
					}
					default -> throw new IOException("unknown mode " + mode);
				}
			}
		}
		catch (IOException ex) {
			// the sender closed the connection: this reader ends
		}
	}

	private static void send(String host, int port, List<BenchCase> cases) throws Exception {
		RequestAckLoop loop = new RequestAckLoop();
		int warmup = Integer.getInteger("bench.warmup", 0);
		List<BenchCase> all = new ArrayList<>();
		if (warmup > 0) {
			// JIT-compile the socket paths before anything is measured; its result is not
			// reported.
			all.add(new BenchCase("warmup", "raw-per-sender", 4, 4, warmup, 256 * 1024, 0));
		}
		all.addAll(cases);
		for (BenchCase c : all) {
			if (!c.experiment().equals("warmup")) {
				Protocol.progress(c);
			}
			int connections = c.config().equals("raw-shared") ? 1 : c.lanes();
			List<Socket> sockets = new ArrayList<>();
			List<DataOutputStream> outs = new ArrayList<>();
			try {
				for (int i = 0; i < connections; i++) {
					Socket socket = connect(host, port, REQUEST_ACK);
					sockets.add(socket);
					outs.add(new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)));
					Thread reader = new Thread(() -> readAcks(socket, loop), "raw-acks");
					reader.setDaemon(true);
					reader.start();
				}
				CaseResult result = RequestAckLoop.toResult(c,
						loop.run(c.senders(), c.messages(), c.size(), (sender, payload) -> {
							DataOutputStream out = outs.get(sender % connections);
							synchronized (out) {
								out.writeInt(payload.length);
								out.write(payload);
								out.flush();
							}
						}));
				if (!c.experiment().equals("warmup")) {
					Protocol.result(result);
				}
			}
			catch (IOException ex) {
				Protocol.result(CaseResult.failed(c, ex.toString()));
			}
			finally {
				for (Socket socket : sockets) {
					socket.close();
				}
			}
		}
	}

	private static void readAcks(Socket socket, RequestAckLoop loop) {
		try {
			DataInputStream in = new DataInputStream(socket.getInputStream());
			byte[] header = new byte[8];
			while (true) {
				in.readFully(header);
				loop.ack(header.clone());
			}
		}
		catch (IOException ex) {
			// closed at the end of the case
		}
	}

	/** A connection in {@code mode}, Nagle off. */
	private static Socket connect(String host, int port, int mode) throws IOException {
		Socket socket = new Socket(host, port);
		socket.setTcpNoDelay(true);
		DataOutputStream out = new DataOutputStream(socket.getOutputStream());
		out.writeInt(mode);
		out.flush();
		return socket;
	}

	/**
	 * The driven sender: new connections for every case, so a case's connections are
	 * exactly its own ({@code raw-shared}: one for all senders, {@code raw-per-sender}:
	 * P; one-way: one per sender; ping-pong: one).
	 */
	private record Driver(String host, int port) implements Driven.Driver {

		@Override
		public Driven.RequestAck requestAck(Driven.Task task, RequestAckLoop loop) throws IOException {
			int connections = task.config().equals("raw-shared") ? 1 : task.lanes();
			List<Socket> sockets = new ArrayList<>();
			List<DataOutputStream> outs = new ArrayList<>();
			try {
				for (int i = 0; i < connections; i++) {
					Socket socket = connect(this.host, this.port, REQUEST_ACK);
					sockets.add(socket);
					outs.add(new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)));
					Thread reader = new Thread(() -> readAcks(socket, loop), "raw-acks");
					reader.setDaemon(true);
					reader.start();
				}
			}
			catch (IOException ex) {
				closeAll(sockets);
				throw ex;
			}
			return new Driven.RequestAck() {

				@Override
				public void send(int sender, byte[] payload) throws IOException {
					DataOutputStream out = outs.get(sender % connections);
					synchronized (out) {
						out.writeInt(payload.length);
						out.write(payload);
						out.flush();
					}
				}

				@Override
				public void close() throws IOException {
					closeAll(sockets);
				}

			};
		}

		@Override
		public Driven.OneWay oneWay(Driven.Task task) throws IOException {
			int senders = task.senders();
			List<Socket> sockets = new ArrayList<>();
			DataOutputStream[] outs = new DataOutputStream[senders];
			AtomicLongArray reported = new AtomicLongArray(senders);
			try {
				for (int i = 0; i < senders; i++) {
					Socket socket = connect(this.host, this.port, ONE_WAY);
					sockets.add(socket);
					outs[i] = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
					int sender = i;
					Thread reader = new Thread(() -> {
						try {
							DataInputStream in = new DataInputStream(socket.getInputStream());
							while (true) {
								reported.set(sender, in.readLong());
							}
						}
						catch (IOException ex) {
							// closed at the end of the case
						}
					}, "raw-progress");
					reader.setDaemon(true);
					reader.start();
				}
			}
			catch (IOException ex) {
				closeAll(sockets);
				throw ex;
			}
			return new Driven.OneWay() {

				@Override
				public void send(int sender, byte[] payload) throws IOException {
					// each sender has its own connection and stream: no lock
					outs[sender].writeInt(payload.length);
					outs[sender].write(payload);
				}

				@Override
				public void flush(int sender) throws IOException {
					outs[sender].flush();
				}

				@Override
				public long handled(int sender) {
					return reported.get(sender);
				}

				@Override
				public void close() throws IOException {
					closeAll(sockets);
				}

			};
		}

		@Override
		public Driven.RoundTrip roundTrip(Driven.Task task) throws IOException {
			Socket socket = connect(this.host, this.port, ECHO);
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
			DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
			byte[] reply = new byte[task.size()];
			return new Driven.RoundTrip() {

				@Override
				public void roundTrip(byte[] payload) throws IOException {
					out.writeInt(payload.length);
					out.write(payload);
					out.flush();
					int length = in.readInt();
					if (length != reply.length) {
						throw new IOException("a reply of " + length + " bytes to " + payload.length);
					}
					in.readFully(reply);
				}

				@Override
				public void close() throws IOException {
					socket.close();
				}

			};
		}

		private static void closeAll(List<Socket> sockets) throws IOException {
			for (Socket socket : sockets) {
				socket.close();
			}
		}

	}

}
