package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import javax.crypto.Mac;

import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The mutual challenge–response that opens every connection, after the dialler's
 * {@link Hello}:
 *
 * <pre>
 * dialler                                   acceptor
 *   HELLO     (who, channel, lane)   ─────▶
 *             ◀─────  CHALLENGE (version, acceptor's nonce)
 *   PROOF     (dialler's nonce, HMAC(secret, "C" | transcript))  ─────▶   checked
 *             ◀─────  WELCOME (acceptor's identity, HMAC(secret, "S" | transcript | acceptor))
 * checked (and the acceptor must be the node dialled)
 * </pre>
 *
 * The transcript is the handshake version, both nonces, the dialler's name and
 * incarnation, and the channel and lane. Both nonces are fresh for every connection, so a
 * recorded PROOF or WELCOME proves nothing on another connection: a replayed hello gets a
 * new challenge it cannot answer. Without a cluster secret the proofs are empty and only
 * identities are exchanged (nothing can be authenticated). With one, both sides derive a
 * session key from the transcript, which {@code transport} uses to MAC every frame that
 * follows when TLS is off.
 *
 * <p>
 * Nothing but these frames is read before the WELCOME, and none of them may exceed
 * {@link #MAX_FRAME} bytes.
 */
public final class Handshake {

	/** The version of this handshake; a peer that speaks another one is refused. */
	public static final int VERSION = 2;

	/**
	 * The largest frame read before the session is open: a hello with its longest names
	 * fits.
	 */
	public static final int MAX_FRAME = 4096;

	private static final int NONCE = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final @Nullable Hmac secret;

	private final Hello dialler;

	private byte[] acceptorNonce = new byte[0];

	private byte[] diallerNonce = new byte[0];

	private Handshake(@Nullable Hmac secret, Hello dialler) {
		this.secret = secret;
		this.dialler = dialler;
	}

	/** The acceptor's side, once the dialler's hello was read. */
	public static Handshake accepting(@Nullable Hmac secret, Hello dialler) {
		Handshake handshake = new Handshake(secret, dialler);
		handshake.acceptorNonce = nonce();
		return handshake;
	}

	/** The dialler's side; {@code own} is the hello it sends. */
	public static Handshake dialling(@Nullable Hmac secret, Hello own) {
		return new Handshake(secret, own);
	}

	/** The dialler's hello. */
	public Hello dialler() {
		return this.dialler;
	}

	/** Acceptor: the challenge payload. */
	public ByteBuf challenge(ByteBufAllocator alloc) {
		return alloc.buffer(1 + NONCE).writeByte(VERSION).writeBytes(this.acceptorNonce);
	}

	/**
	 * Dialler: reads the challenge and answers with its own nonce and proof.
	 * @throws HandshakeRejectedException when the acceptor speaks another handshake
	 * version
	 */
	public ByteBuf proof(ByteBufAllocator alloc, ByteBuf challenge) {
		try {
			int version = challenge.readUnsignedByte();
			if (version != VERSION) {
				throw new HandshakeRejectedException(
						"the node speaks handshake version " + version + ", this one " + VERSION);
			}
			this.acceptorNonce = new byte[NONCE];
			challenge.readBytes(this.acceptorNonce);
		}
		catch (IndexOutOfBoundsException ex) {
			throw new MalformedFrameException("invalid challenge");
		}
		this.diallerNonce = nonce();
		byte[] proof = sign('C', null, 0);
		ByteBuf out = alloc.buffer(NONCE + 1 + proof.length);
		out.writeBytes(this.diallerNonce).writeByte(proof.length).writeBytes(proof);
		return out;
	}

	/**
	 * Acceptor: checks the dialler's proof.
	 * @throws HandshakeRejectedException when it does not prove the cluster secret over
	 * this connection's nonces
	 */
	public void checkProof(ByteBuf proof) {
		byte[] mac;
		try {
			this.diallerNonce = new byte[NONCE];
			proof.readBytes(this.diallerNonce);
			mac = new byte[proof.readUnsignedByte()];
			proof.readBytes(mac);
		}
		catch (IndexOutOfBoundsException ex) {
			throw new MalformedFrameException("invalid proof");
		}
		if (this.secret == null) {
			return;
		}
		if (mac.length == 0) {
			throw new HandshakeRejectedException(
					"node '" + LogText.escape(this.dialler.node().name()) + "' sent no cluster secret proof");
		}
		if (!Hmac.matches(sign('C', null, 0), mac)) {
			throw new HandshakeRejectedException("node '" + LogText.escape(this.dialler.node().name())
					+ "' did not prove the cluster secret for this connection");
		}
	}

	/**
	 * Acceptor: the welcome payload, naming {@code acceptor} and proving the secret in
	 * turn.
	 */
	public ByteBuf welcome(ByteBufAllocator alloc, Node acceptor, long incarnation) {
		byte[] proof = sign('S', acceptor.name(), incarnation);
		ByteBuf out = alloc.buffer(128);
		ShortStrings.write(out, acceptor.name());
		ShortStrings.write(out, acceptor.host());
		out.writeShort(acceptor.port());
		ShortStrings.write(out, (acceptor.tag() != null) ? acceptor.tag() : "");
		out.writeLong(incarnation);
		out.writeByte(proof.length).writeBytes(proof);
		return out;
	}

	/**
	 * Who welcomed the dialler.
	 *
	 * @param node the acceptor
	 * @param incarnation the acceptor's incarnation
	 */
	public record Welcome(Node node, long incarnation) {
	}

	/**
	 * Dialler: reads the welcome and checks the acceptor's proof.
	 * @throws HandshakeRejectedException when the acceptor does not prove the cluster
	 * secret
	 */
	public Welcome checkWelcome(ByteBuf welcome) {
		Node node;
		long incarnation;
		byte[] mac;
		try {
			String name = ShortStrings.read(welcome);
			String host = ShortStrings.read(welcome);
			int port = welcome.readUnsignedShort();
			String tag = ShortStrings.read(welcome);
			incarnation = welcome.readLong();
			mac = new byte[welcome.readUnsignedByte()];
			welcome.readBytes(mac);
			node = new Node(NodeId.of(name), host, port, tag.isEmpty() ? null : tag);
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException ex) {
			throw new MalformedFrameException("invalid welcome: " + ex.getMessage());
		}
		if (this.secret != null && !Hmac.matches(sign('S', node.name(), incarnation), mac)) {
			throw new HandshakeRejectedException("node '" + node.name() + "' did not prove the cluster secret");
		}
		return new Welcome(node, incarnation);
	}

	/**
	 * The key that MACs this session's frames, or {@code null} without a cluster secret.
	 * Both sides derive the same one from the transcript and the acceptor's identity.
	 */
	public @Nullable Hmac sessionKey(String acceptor, long incarnation) {
		return (this.secret != null) ? new Hmac(sign('K', acceptor, incarnation)) : null;
	}

	private byte[] sign(char purpose, @Nullable String acceptor, long acceptorIncarnation) {
		Hmac key = this.secret;
		if (key == null) {
			return new byte[0];
		}
		return key.sign((mac) -> {
			mac.update((byte) purpose);
			mac.update((byte) VERSION);
			mac.update(this.acceptorNonce);
			mac.update(this.diallerNonce);
			text(mac, this.dialler.node().name());
			mac.update(longBytes(this.dialler.incarnation()));
			text(mac, this.dialler.channel());
			mac.update(longBytes(this.dialler.lane()));
			if (acceptor != null) {
				text(mac, acceptor);
				mac.update(longBytes(acceptorIncarnation));
			}
		});
	}

	/**
	 * Length-prefixed, so that no two different transcripts feed the MAC the same bytes.
	 */
	private static void text(Mac mac, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		mac.update(longBytes(bytes.length));
		mac.update(bytes);
	}

	private static byte[] longBytes(long value) {
		byte[] out = new byte[8];
		for (int i = 7; i >= 0; i--) {
			out[i] = (byte) value;
			value >>>= 8;
		}
		return out;
	}

	private static byte[] nonce() {
		byte[] nonce = new byte[NONCE];
		RANDOM.nextBytes(nonce);
		return nonce;
	}

}
