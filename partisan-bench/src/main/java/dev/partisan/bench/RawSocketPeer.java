package dev.partisan.bench;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

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

	private RawSocketPeer() {
	}

	public static void main(String[] args) throws Exception {
		if (args[0].equals("receiver")) {
			receive(args[1], Integer.parseInt(args[2]));
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
					Thread reader = new Thread(() -> echoAcks(socket), "raw-receiver");
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

	private static void echoAcks(Socket socket) {
		try (socket) {
			DataInputStream in = new DataInputStream(socket.getInputStream());
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
			byte[] buffer = new byte[64 * 1024];
			while (true) {
				int length = in.readInt();
				if (buffer.length < length) {
					buffer = new byte[length];
				}
				in.readFully(buffer, 0, length);
				out.write(buffer, 0, 8);
				out.flush();
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
					Socket socket = new Socket(host, port);
					socket.setTcpNoDelay(true);
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

}
