package dev.partisan.wire;

/** What a frame carries; the byte is its wire code. */
public enum FrameKind {

	/**
	 * First frame on every connection: who dials, for which channel and lane. The
	 * handshake ({@link Handshake}) follows: CHALLENGE, PROOF, WELCOME.
	 */
	HELLO(1),
	/** An application message for a named handler. */
	DATA(2),
	/** An overlay's membership message; always on the control channel. */
	CONTROL(3),
	/** Liveness, on the control channel; carries no payload. */
	HEARTBEAT(4),
	/** The answer to a call; its message id is the call's. */
	REPLY(5),
	/** Confirms receipt of an acknowledged message; its message id is that message's. */
	ACK(6),
	/**
	 * A frame for a node the sender has no connection to, carried by an intermediate
	 * member; the destination field names the final node, the payload is
	 * {@code u8 ttl | i64 origin incarnation |
	 * the inner frame}.
	 */
	RELAY(7),
	/**
	 * The accepting node's answer to a hello: a fresh nonce the dialler must prove itself
	 * over.
	 */
	CHALLENGE(8),
	/** The dialler's nonce and its proof of the cluster secret over both nonces. */
	PROOF(9),
	/** The accepting node's identity and its own proof: the session is open. */
	WELCOME(10),

	/**
	 * The accepting node's answer instead of WELCOME to a dialler that proved itself but
	 * is refused: its name is taken by a live member at another address. The payload is
	 * that member's address ({@code host:port}, UTF-8); the connection closes after it.
	 */
	NAME_TAKEN(11);

	private static final FrameKind[] BY_CODE = new FrameKind[16];

	static {
		for (FrameKind kind : values()) {
			BY_CODE[kind.code] = kind;
		}
	}

	private final int code;

	FrameKind(int code) {
		this.code = code;
	}

	public int code() {
		return this.code;
	}

	public static FrameKind fromCode(int code) {
		FrameKind kind = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
		if (kind == null) {
			throw new MalformedFrameException("unknown frame kind " + code);
		}
		return kind;
	}

}
