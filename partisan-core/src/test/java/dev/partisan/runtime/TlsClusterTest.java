package dev.partisan.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.testing.BrokerProxy;
import dev.partisan.testing.FreePorts;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.Tls;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Nodes over mutual TLS, with a certificate authority and node certificates made for the
 * test: the cluster works as over plain TCP, a node whose certificate another authority
 * issued is refused, and what crosses the wire holds no message body.
 */
class TlsClusterTest {

	private static final String SECRET = "tls-test-secret";

	private static final String BODY = "the-body-nobody-may-read";

	private static X509Bundle authority;

	private static X509Bundle nodeCertificate;

	private static X509Bundle strangerCertificate;

	private final TestNodes nodes = new TestNodes();

	private BrokerProxy proxy;

	@BeforeAll
	static void makeCertificates() throws Exception {
		authority = new CertificateBuilder().subject("CN=partisan test authority")
			.setIsCertificateAuthority(true)
			.ecp256()
			.buildSelfSigned();
		nodeCertificate = nodeCertificate("CN=partisan node", authority);
		X509Bundle otherAuthority = new CertificateBuilder().subject("CN=another authority")
			.setIsCertificateAuthority(true)
			.ecp256()
			.buildSelfSigned();
		strangerCertificate = nodeCertificate("CN=stranger", otherAuthority);
	}

	private static X509Bundle nodeCertificate(String subject, X509Bundle issuer) throws Exception {
		return new CertificateBuilder().subject(subject)
			.addSanIpAddress("127.0.0.1")
			.addSanDnsName("localhost")
			.ecp256()
			.addExtendedKeyUsageServerAuth()
			.addExtendedKeyUsageClientAuth()
			.buildIssuedBy(issuer);
	}

	@AfterEach
	void stop() throws Exception {
		this.nodes.close();
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void threeNodesOverMutualTlsJoinMessageAndCall() throws Exception {
		Tls tls = Tls.of(nodeCertificate.toKeyManagerFactory(), authority.toTrustManagerFactory());
		PartisanNode a = this.nodes.start("a", (c) -> c.clusterSecret(SECRET).tls(tls));
		PartisanNode b = this.nodes.start("b", (c) -> c.clusterSecret(SECRET).tls(tls));
		PartisanNode c = this.nodes.start("c", (cfg) -> cfg.clusterSecret(SECRET).tls(tls));
		b.join(a.localNode()).join();
		c.join(a.localNode()).join();
		for (PartisanNode node : List.of(a, b, c)) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(node.members()).extracting(Node::name)
					.containsExactlyInAnyOrder("a", "b", "c"));
		}
		List<String> inbox = new CopyOnWriteArrayList<>();
		a.register("inbox", String.class, (text, meta) -> inbox.add(meta.sender().name() + ":" + text));
		c.registerRequestHandler("upper", String.class, (text, meta) -> text.toUpperCase());

		b.forward(a.localNode().id(), "inbox", "hello over tls");
		String answer = a
			.call(c.localNode().id(), "upper", "quiet", String.class, ForwardOptions.defaults(), Duration.ofSeconds(10))
			.join();

		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(inbox).containsExactly("b:hello over tls"));
		assertThat(answer).isEqualTo("QUIET");
	}

	@Test
	void aNodeWhoseCertificateAnotherAuthorityIssuedIsRefused() throws Exception {
		Tls tls = Tls.of(nodeCertificate.toKeyManagerFactory(), authority.toTrustManagerFactory());
		Tls strangers = Tls.of(strangerCertificate.toKeyManagerFactory(), authority.toTrustManagerFactory());
		PartisanNode a = this.nodes.start("a", (c) -> c.clusterSecret(SECRET).tls(tls));
		PartisanNode stranger = this.nodes.start("stranger",
				(c) -> c.clusterSecret(SECRET).tls(strangers).joinTimeout(Duration.ofSeconds(2)));

		assertThatThrownBy(() -> stranger.join(a.localNode()).join()).isNotNull();
		assertThat(a.members()).extracting(Node::name).containsExactly("a");
	}

	@Test
	void withoutTlsTheBodyCanBeReadOnTheWire() throws Exception {
		assertThat(capturedWhileSending(null)).contains(BODY);
	}

	@Test
	void withTlsTheCapturedBytesHoldNoMessageBody() throws Exception {
		Tls tls = Tls.of(nodeCertificate.toKeyManagerFactory(), authority.toTrustManagerFactory());
		String captured = capturedWhileSending(tls);
		assertThat(captured).as("bytes were captured").isNotEmpty();
		assertThat(captured).doesNotContain(BODY).doesNotContain("inbox");
	}

	/**
	 * Two static nodes, s2 reaching s1 through a recording relay; s2 sends {@link #BODY}
	 * and the relay's recording is returned once s1 has it.
	 */
	private String capturedWhileSending(Tls tls) throws Exception {
		int s1Port = FreePorts.next();
		this.proxy = new BrokerProxy("127.0.0.1", s1Port);
		Node s1 = Node.of("s1", "127.0.0.1", s1Port);
		Node s2 = Node.of("s2", "127.0.0.1", FreePorts.next());
		Node s1ThroughRelay = Node.of("s1", "127.0.0.1", this.proxy.port());
		PartisanNode first = this.nodes.start("s1",
				(c) -> c.port(s1.port()).overlay("static").seeds(List.of(s1, s2)).clusterSecret(SECRET).tls(tls));
		PartisanNode second = this.nodes.start("s2",
				(c) -> c.port(s2.port())
					.overlay("static")
					.seeds(List.of(s1ThroughRelay, s2))
					.clusterSecret(SECRET)
					.tls(tls));
		List<String> inbox = new CopyOnWriteArrayList<>();
		first.register("inbox", String.class, (text, meta) -> inbox.add(text));
		await().atMost(TestNodes.awaitLimit()).until(() -> second.isConnected(first.localNode().id()));

		second.forward(first.localNode().id(), "inbox", BODY);

		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(inbox).containsExactly(BODY));
		return new String(this.proxy.recorded(), StandardCharsets.ISO_8859_1);
	}

}
