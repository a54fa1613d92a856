package dev.partisan.transport;

import java.util.function.Supplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import dev.partisan.api.PartisanException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

/**
 * TLS on every connection between nodes: each node presents its certificate and requires
 * one from the other side (mutual TLS), trusted by the trust material given; the dialling
 * side also checks that the certificate names the host it dialled. With TLS the
 * handshake's per-frame MAC is left off: TLS already protects every byte.
 *
 * <p>
 * The contexts are asked for at every new connection, so key material that is replaced (a
 * reloaded Spring Boot SSL bundle) applies from the next connection on.
 */
public final class Tls {

	/** The server and client contexts of one set of key and trust material. */
	public record Contexts(SslContext server, SslContext client) {
	}

	private final Supplier<Contexts> contexts;

	private final boolean verifyHostname;

	private Tls(Supplier<Contexts> contexts, boolean verifyHostname) {
		this.contexts = contexts;
		this.verifyHostname = verifyHostname;
	}

	/** Mutual TLS with these keys and this trust, checking the dialled host name. */
	public static Tls of(KeyManagerFactory keys, TrustManagerFactory trust) {
		Contexts contexts = contexts(keys, trust);
		return new Tls(() -> contexts, true);
	}

	/**
	 * Mutual TLS whose contexts are asked for at every new connection (for material that
	 * is reloaded).
	 */
	public static Tls reloading(Supplier<Contexts> contexts) {
		return new Tls(contexts, true);
	}

	/**
	 * The same TLS without checking that a peer's certificate names the host dialled: for
	 * certificates issued per node name rather than per address. The certificate must
	 * still be trusted.
	 */
	public Tls withoutHostnameVerification() {
		return new Tls(this.contexts, false);
	}

	public boolean verifiesHostname() {
		return this.verifyHostname;
	}

	/**
	 * Contexts for {@code keys} and {@code trust}: the server side requires a client
	 * certificate.
	 */
	public static Contexts contexts(KeyManagerFactory keys, TrustManagerFactory trust) {
		try {
			SslContext server = SslContextBuilder.forServer(keys)
				.trustManager(trust)
				.clientAuth(ClientAuth.REQUIRE)
				.build();
			SslContext client = SslContextBuilder.forClient().keyManager(keys).trustManager(trust).build();
			return new Contexts(server, client);
		}
		catch (SSLException ex) {
			throw new PartisanException("Cannot set up TLS: " + ex.getMessage(), ex);
		}
	}

	/** The handler for an accepted connection. */
	SslHandler serverHandler(ByteBufAllocator alloc) {
		return this.contexts.get().server().newHandler(alloc);
	}

	/** The handler for a connection dialled to {@code host:port}. */
	SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
		SslHandler handler = this.contexts.get().client().newHandler(alloc, host, port);
		if (this.verifyHostname) {
			SSLEngine engine = handler.engine();
			SSLParameters parameters = engine.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			engine.setSSLParameters(parameters);
		}
		return handler;
	}

}
