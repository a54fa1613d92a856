package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The payload of a RELAY frame: a frame for a node the sender has no connection to,
 * wrapped for a member that can pass it on. On the wire:
 *
 * <pre>
 * u8  hops left      (the relay TTL; a relay with one hop left is not passed on)
 * i64 origin's incarnation
 * u8  MAC length     (0 without a cluster secret, else {@link #MAC_SIZE})
 * ... the MAC
 * ... the inner frame, without its length prefix
 * </pre>
 *
 * With a cluster secret the origin signs what no hop may change: the MAC is HMAC-SHA256,
 * keyed by the secret, over a label, the target node's name, the origin's incarnation and
 * the inner frame. The hops byte is left out because every hop lowers it; the target is
 * in because a signed relay must not be redirected to another node.
 */
public final class RelayCodec {

	/**
	 * How many hops a relayed message may take before it is dropped. The Erlang
	 * original's relay TTL is 5, but a peer-to-peer route follows the broadcast trees'
	 * links, which are longer than the overlay's shortest paths: in the simulator, up to
	 * 8 hops among 30 nodes and 12 among 100 (see {@code HyParViewRoutesSimulationTest}).
	 * A route loops only while the trees change, so the limit costs little where it is
	 * high.
	 */
	public static final int TTL = 32;

	/** The bytes before the inner frame when the relay carries no MAC. */
	public static final int HEADER_SIZE = 1 + 8 + 1;

	/** The length of a relay's MAC (HMAC-SHA256). */
	public static final int MAC_SIZE = 32;

	private static final String ALGORITHM = "HmacSHA256";

	/**
	 * Sets the relay MAC apart from any other use of the cluster secret, so that no other
	 * message's MAC can pass for a relay's.
	 */
	private static final byte[] LABEL = "partisan-relay-v1".getBytes(StandardCharsets.US_ASCII);

	private RelayCodec() {
	}

	/**
	 * A relay payload around {@code frame} (a complete frame, length prefix included),
	 * which is released; with no MAC.
	 */
	public static ByteBuf wrap(ByteBufAllocator alloc, long originIncarnation, ByteBuf frame) {
		return wrap(alloc, originIncarnation, frame, null, "");
	}

	/**
	 * A relay payload around {@code frame} (a complete frame, length prefix included),
	 * which is released; signed with {@code secret} for {@code target} when there is a
	 * secret.
	 */
	public static ByteBuf wrap(ByteBufAllocator alloc, long originIncarnation, ByteBuf frame, byte @Nullable [] secret,
			String target) {
		try {
			int innerStart = frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE;
			int innerSize = frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE;
			byte[] mac = (secret != null) ? mac(secret, target, originIncarnation, frame, innerStart, innerSize)
					: new byte[0];
			ByteBuf header = alloc.directBuffer(HEADER_SIZE + mac.length);
			header.writeByte(TTL).writeLong(originIncarnation).writeByte(mac.length).writeBytes(mac);
			// The inner frame is not copied: it follows the relay header as a component.
			return alloc.compositeDirectBuffer(2)
				.addComponents(true, header, frame.retainedSlice(innerStart, innerSize));
		}
		finally {
			frame.release();
		}
	}

	/** Hops the relay may still take. */
	public static int hopsLeft(ByteBuf payload) {
		return payload.getUnsignedByte(payload.readerIndex());
	}

	/** The incarnation of the node that wrapped the frame. */
	public static long originIncarnation(ByteBuf payload) {
		return payload.getLong(payload.readerIndex() + 1);
	}

	/**
	 * Whether the relay carries a MAC that {@code secret} makes for {@code target}: false
	 * when it has none, or one made with another secret, for another target or over other
	 * bytes.
	 */
	public static boolean signedFor(ByteBuf payload, byte[] secret, String target) {
		int macLength = macLength(payload);
		if (macLength != MAC_SIZE) {
			return false;
		}
		int innerStart = innerStart(payload);
		byte[] carried = new byte[MAC_SIZE];
		payload.getBytes(payload.readerIndex() + HEADER_SIZE, carried);
		byte[] expected = mac(secret, target, originIncarnation(payload), payload, innerStart,
				payload.writerIndex() - innerStart);
		// Constant time, so that the comparison does not tell a forger how much was
		// right.
		return MessageDigest.isEqual(carried, expected);
	}

	/**
	 * The inner frame, decoded; its payload is a retained slice the caller must release.
	 */
	public static Frame inner(ByteBuf payload) {
		int innerStart = innerStart(payload);
		return FrameCodec.decode(payload.slice(innerStart, payload.writerIndex() - innerStart));
	}

	/**
	 * {@code payload} for the next hop, with one hop fewer left and the MAC kept; the
	 * rest of the payload is shared (a retained slice), not copied. {@code payload} is
	 * not released.
	 */
	public static ByteBuf nextHop(ByteBufAllocator alloc, ByteBuf payload) {
		ByteBuf hops = alloc.directBuffer(1).writeByte(hopsLeft(payload) - 1);
		return alloc.compositeDirectBuffer(2)
			.addComponents(true, hops, payload.retainedSlice(payload.readerIndex() + 1, payload.readableBytes() - 1));
	}

	private static int macLength(ByteBuf payload) {
		if (payload.readableBytes() < HEADER_SIZE) {
			throw new MalformedFrameException("relay payload of " + payload.readableBytes() + " bytes has no header");
		}
		return payload.getUnsignedByte(payload.readerIndex() + HEADER_SIZE - 1);
	}

	private static int innerStart(ByteBuf payload) {
		int macLength = macLength(payload);
		if (payload.readableBytes() < HEADER_SIZE + macLength) {
			throw new MalformedFrameException("relay payload of " + payload.readableBytes() + " bytes is shorter than "
					+ "its MAC of " + macLength);
		}
		return payload.readerIndex() + HEADER_SIZE + macLength;
	}

	private static byte[] mac(byte[] secret, String target, long originIncarnation, ByteBuf bytes, int start,
			int length) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret, ALGORITHM));
			mac.update(LABEL);
			byte[] targetBytes = target.getBytes(StandardCharsets.UTF_8);
			// Length-prefixed, so that target and incarnation cannot trade bytes.
			mac.update(new byte[] { (byte) (targetBytes.length >>> 8), (byte) targetBytes.length });
			mac.update(targetBytes);
			for (int shift = 56; shift >= 0; shift -= 8) {
				mac.update((byte) (originIncarnation >>> shift));
			}
			Hmac.update(mac, bytes, start, length);
			return mac.doFinal();
		}
		catch (GeneralSecurityException ex) {
			// HmacSHA256 is one of the algorithms every Java platform must provide.
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
