package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The handshake that opens every connection: the dialling node says who it is and which
 * channel and lane the connection serves. With a cluster secret configured, it carries an
 * HMAC-SHA256 over its fields, so a peer without the secret is turned away before any of
 * its frames is read.
 *
 * @param node the dialling node
 * @param incarnation the dialling node's incarnation (start time based), to tell restarts
 * apart
 * @param channel the channel this connection carries
 * @param lane the lane index within the channel
 * @param timestampMillis when the hello was made
 */
public record Hello(Node node, long incarnation, String channel, int lane, long timestampMillis) {

	private static final String MAC_ALGORITHM = "HmacSHA256";

	/**
	 * Encodes the hello as the payload of a HELLO frame, signed when a secret is given.
	 */
	public ByteBuf encode(ByteBufAllocator alloc, byte @Nullable [] secret) {
		ByteBuf out = alloc.buffer(128);
		ShortStrings.write(out, this.node.name());
		ShortStrings.write(out, this.node.host());
		out.writeShort(this.node.port());
		ShortStrings.write(out, (this.node.tag() != null) ? this.node.tag() : "");
		ShortStrings.write(out, this.channel);
		out.writeShort(this.lane);
		out.writeLong(this.incarnation);
		out.writeLong(this.timestampMillis);
		byte[] mac = (secret != null) ? mac(secret, out, 0, out.writerIndex()) : new byte[0];
		out.writeByte(mac.length);
		out.writeBytes(mac);
		return out;
	}

	/**
	 * Reads a hello and checks its signature.
	 * @throws MalformedFrameException when it is not a hello
	 * @throws HandshakeRejectedException when a secret is configured and the signature is
	 * missing or wrong
	 */
	public static Hello decode(ByteBuf in, byte @Nullable [] secret) {
		try {
			int start = in.readerIndex();
			String name = ShortStrings.read(in);
			String host = ShortStrings.read(in);
			int port = in.readUnsignedShort();
			String tag = ShortStrings.read(in);
			String channel = ShortStrings.read(in);
			int lane = in.readUnsignedShort();
			long incarnation = in.readLong();
			long timestamp = in.readLong();
			int signedEnd = in.readerIndex();
			byte[] mac = new byte[in.readUnsignedByte()];
			in.readBytes(mac);
			if (secret != null) {
				byte[] expected = mac(secret, in, start, signedEnd - start);
				if (mac.length == 0) {
					throw new HandshakeRejectedException(
							"node '" + LogText.escape(name) + "' sent no cluster secret proof");
				}
				if (!MessageDigest.isEqual(expected, mac)) {
					throw new HandshakeRejectedException(
							"node '" + LogText.escape(name) + "' does not have the cluster secret");
				}
			}
			Node node = new Node(NodeId.of(name), host, port, tag.isEmpty() ? null : tag);
			return new Hello(node, incarnation, channel, lane, timestamp);
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException ex) {
			throw new MalformedFrameException("invalid hello: " + LogText.escape(ex.getMessage()));
		}
	}

	private static byte[] mac(byte[] secret, ByteBuf buf, int from, int length) {
		try {
			Mac mac = Mac.getInstance(MAC_ALGORITHM);
			mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
			byte[] data = new byte[length];
			buf.getBytes(from, data);
			return mac.doFinal(data);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is unavailable", ex);
		}
	}

	/** The secret as key bytes, or {@code null} when none is configured. */
	public static byte @Nullable [] secretBytes(@Nullable String secret) {
		return (secret == null || secret.isEmpty()) ? null : secret.getBytes(StandardCharsets.UTF_8);
	}

}
