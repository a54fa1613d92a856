package dev.partisan.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import dev.partisan.api.Node;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.Hello;
import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * A peer that speaks the wire format over a plain socket, as an attacker on the same host
 * would: it can send a hello, answer the challenge (with or without the secret), replay
 * recorded bytes, and send any frame it likes. Blocking, bounded by the socket's read
 * time-out.
 */
public final class WireClient implements AutoCloseable {

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	public WireClient(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(10_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
	}

	/**
	 * A hello from {@code name} for lane 0 of {@code channel}, signed with {@code secret}
	 * if given.
	 */
	public static Hello hello(String name, String channel) {
		return new Hello(Node.of(name, "127.0.0.1", 9), 1, channel, 0, System.currentTimeMillis());
	}

	/**
	 * The whole handshake as {@code hello}'s node, proving {@code secret} (none when
	 * {@code null}).
	 * @return the node that welcomed it
	 */
	public Handshake.Welcome handshake(Hello hello, @Nullable String secret) throws IOException {
		byte[] secretBytes = Hello.secretBytes(secret);
		Handshake handshake = Handshake.dialling(Hmac.of(secret), hello);
		send(FrameKind.HELLO, hello.node().name(), hello.encode(this.alloc, secretBytes));
		Frame challenge = read();
		try {
			send(FrameKind.PROOF, hello.node().name(), handshake.proof(this.alloc, challenge.payload()));
		}
		finally {
			challenge.release();
		}
		Frame welcome = read();
		try {
			return handshake.checkWelcome(welcome.payload());
		}
		finally {
			welcome.release();
		}
	}

	/**
	 * Sends a frame of {@code kind} from {@code sender} with {@code payload} (released).
	 */
	public void send(FrameKind kind, String sender, ByteBuf payload) throws IOException {
		send(Frame.of(kind, 0, "default", sender).withPayload(payload));
	}

	/** Sends {@code frame} as it is (its payload is released). */
	public void send(Frame frame) throws IOException {
		ByteBuf encoded = FrameCodec.encode(this.alloc, frame);
		try {
			write(ByteBufUtil.getBytes(encoded));
		}
		finally {
			encoded.release();
		}
	}

	/** Writes raw bytes. */
	public void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Reads one frame (its payload is the caller's to release). */
	public Frame read() throws IOException {
		int length = this.in.readInt();
		byte[] body = new byte[length];
		this.in.readFully(body);
		return FrameCodec.decode(Unpooled.wrappedBuffer(body));
	}

	/**
	 * Reads until the node closes the connection; true when it did (a reset counts),
	 * false when the read time-out passed first.
	 */
	public boolean closedByPeer() throws IOException {
		byte[] buffer = new byte[1024];
		try {
			while (this.in.read(buffer) >= 0) {
				// whatever the node still sends, until it closes
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (java.net.SocketException ex) {
			return String.valueOf(ex.getMessage()).contains("reset");
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
