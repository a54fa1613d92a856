package dev.partisan.fuzz;

import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.api.PartisanException;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.Hello;
import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake's messages under mutation, on both sides: whatever a peer sends before
 * the session is open is either a valid message or a {@link PartisanException}
 * (malformed, or a refused proof), never another exception, and never a session opened
 * without the secret.
 */
class HandshakeFuzzTest {

	private static final String SECRET = "fuzz-secret";

	private static final byte[] SECRET_BYTES = Hello.secretBytes(SECRET);

	private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

	private static final Hello DIALLER = new Hello(Node.parse("dialler@127.0.0.1:10100").withTag("client"), 42, "vnode",
			3, 1000);

	private static final Node ACCEPTOR = Node.parse("acceptor@127.0.0.1:10101");

	@Test
	void aHelloDecodesOrIsRefused() {
		Fuzz.run("Hello.decode",
				List.of(bytes(DIALLER.encode(ALLOC, SECRET_BYTES)), bytes(DIALLER.encode(ALLOC, null))),
				(input) -> Fuzz.decode(input, (in) -> Hello.decode(in, SECRET_BYTES), (in, hello) -> {
				}, PartisanException.class));
	}

	@Test
	void aChallengeIsAnsweredOrRefused() {
		Handshake acceptor = Handshake.accepting(Hmac.of(SECRET), DIALLER);
		Fuzz.run("Handshake.proof", List.of(bytes(acceptor.challenge(ALLOC))),
				(input) -> Fuzz.decode(input, (in) -> Handshake.dialling(Hmac.of(SECRET), DIALLER).proof(ALLOC, in),
						(in, proof) -> proof.release(), PartisanException.class));
	}

	@Test
	void aMutatedProofNeverOpensASession() {
		// Each run answers a fresh challenge, so only the genuine proof of that very
		// challenge may pass.
		Fuzz.run("Handshake.checkProof", proofs(), (input) -> {
			Handshake acceptor = Handshake.accepting(Hmac.of(SECRET), DIALLER);
			Fuzz.decode(input, (in) -> {
				acceptor.checkProof(in);
				return Boolean.TRUE;
			}, (in, accepted) -> assertThat(accepted).as("a proof made for another challenge was accepted").isFalse(),
					PartisanException.class);
		});
	}

	@Test
	void aMutatedWelcomeIsReadOrRefused() {
		Handshake acceptor = Handshake.accepting(Hmac.of(SECRET), DIALLER);
		Handshake dialler = Handshake.dialling(Hmac.of(SECRET), DIALLER);
		ByteBuf proof = dialler.proof(ALLOC, acceptor.challenge(ALLOC));
		acceptor.checkProof(proof);
		proof.release();
		byte[] welcome = bytes(acceptor.welcome(ALLOC, ACCEPTOR, 7));
		Fuzz.run("Handshake.checkWelcome", List.of(welcome), (input) -> Fuzz.decode(input, dialler::checkWelcome,
				(in, welcomed) -> assertThat(welcomed.node().name()).isNotEmpty(), PartisanException.class));
	}

	/**
	 * Proofs made for other challenges: each is a valid message that must still be
	 * refused.
	 */
	private static List<byte[]> proofs() {
		List<byte[]> seeds = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Handshake other = Handshake.accepting(Hmac.of(SECRET), DIALLER);
			seeds.add(bytes(Handshake.dialling(Hmac.of(SECRET), DIALLER).proof(ALLOC, other.challenge(ALLOC))));
		}
		return seeds;
	}

	private static byte[] bytes(ByteBuf buf) {
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	static ByteBuf wrap(byte[] bytes) {
		return Unpooled.wrappedBuffer(bytes);
	}

}
