package dev.partisan.wire;

import dev.partisan.api.Node;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelloTest {

	private final Hello hello = new Hello(Node.parse("n1@127.0.0.1:10100").withTag("server"), 7, "vnode", 3, 1000);

	@Test
	void aHelloReadsBackAsWritten() {
		ByteBuf encoded = this.hello.encode(ByteBufAllocator.DEFAULT, null);
		assertThat(Hello.decode(encoded, null)).isEqualTo(this.hello);
	}

	@Test
	void aHelloSignedWithTheClusterSecretIsAccepted() {
		byte[] secret = Hello.secretBytes("s3cret");
		ByteBuf encoded = this.hello.encode(ByteBufAllocator.DEFAULT, secret);
		assertThat(Hello.decode(encoded, secret)).isEqualTo(this.hello);
	}

	@Test
	void aHelloWithAnotherSecretIsRejected() {
		ByteBuf encoded = this.hello.encode(ByteBufAllocator.DEFAULT, Hello.secretBytes("wrong"));
		assertThatThrownBy(() -> Hello.decode(encoded, Hello.secretBytes("s3cret")))
			.isInstanceOf(HandshakeRejectedException.class)
			.hasMessageContaining("does not have the cluster secret");
	}

	@Test
	void anUnsignedHelloIsRejectedWhenASecretIsRequired() {
		ByteBuf encoded = this.hello.encode(ByteBufAllocator.DEFAULT, null);
		assertThatThrownBy(() -> Hello.decode(encoded, Hello.secretBytes("s3cret")))
			.isInstanceOf(HandshakeRejectedException.class)
			.hasMessageContaining("sent no cluster secret proof");
	}

}
