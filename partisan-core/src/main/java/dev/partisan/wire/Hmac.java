package dev.partisan.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * HMAC-SHA256 under one key: the one place the project signs and checks. A {@link Mac} is
 * not thread-safe and costly to make, so each thread keeps its own.
 */
public final class Hmac {

	/** The length of a signature, in bytes. */
	public static final int LENGTH = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private final ThreadLocal<Mac> macs;

	public Hmac(byte[] key) {
		SecretKeySpec spec = new SecretKeySpec(key.clone(), ALGORITHM);
		this.macs = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance(ALGORITHM);
				mac.init(spec);
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ALGORITHM + " is unavailable", ex);
			}
		});
	}

	/** The HMAC of a cluster secret, or {@code null} when none is configured. */
	public static @Nullable Hmac of(@Nullable String secret) {
		return (secret == null || secret.isEmpty()) ? null : new Hmac(secret.getBytes(StandardCharsets.UTF_8));
	}

	/** Signs what {@code input} feeds the MAC with. */
	public byte[] sign(Consumer<Mac> input) {
		Mac mac = this.macs.get();
		mac.reset();
		input.accept(mac);
		return mac.doFinal();
	}

	/**
	 * Signs {@code length} bytes of {@code buf} from {@code index}, after an 8-byte
	 * {@code prefix}.
	 */
	public byte[] sign(long prefix, ByteBuf buf, int index, int length) {
		return sign((mac) -> {
			mac.update(ByteBuffer.allocate(8).putLong(0, prefix));
			update(mac, buf, index, length);
		});
	}

	/**
	 * Feeds {@code length} bytes of {@code buf} from {@code index} to {@code mac},
	 * without copying.
	 */
	public static void update(Mac mac, ByteBuf buf, int index, int length) {
		if (buf.nioBufferCount() > 0) {
			for (ByteBuffer part : buf.nioBuffers(index, length)) {
				mac.update(part);
			}
		}
		else {
			byte[] copy = new byte[length];
			buf.getBytes(index, copy);
			mac.update(copy);
		}
	}

	/** Compares two signatures in time that does not depend on where they differ. */
	public static boolean matches(byte[] expected, byte @Nullable [] actual) {
		return actual != null && MessageDigest.isEqual(expected, actual);
	}

}
