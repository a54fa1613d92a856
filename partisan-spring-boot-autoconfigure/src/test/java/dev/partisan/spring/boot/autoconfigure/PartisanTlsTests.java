package dev.partisan.spring.boot.autoconfigure;

import java.io.File;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.Node;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.runtime.PartisanNode;
import dev.partisan.testing.FreePorts;
import dev.partisan.testing.TestNodes;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS between nodes from a Spring Boot SSL bundle: {@code partisan.security.ssl.bundle}
 * names a bundle of {@code spring.ssl.bundle.*}, and two applications configured only by
 * properties talk over it.
 */
class PartisanTlsTests {

	private static String[] bundleProperties;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, PartisanAutoConfiguration.class));

	@BeforeAll
	static void makeABundle() throws Exception {
		X509Bundle authority = new CertificateBuilder().subject("CN=test authority")
			.setIsCertificateAuthority(true)
			.ecp256()
			.buildSelfSigned();
		X509Bundle node = new CertificateBuilder().subject("CN=node")
			.addSanIpAddress("127.0.0.1")
			.ecp256()
			.addExtendedKeyUsageServerAuth()
			.addExtendedKeyUsageClientAuth()
			.buildIssuedBy(authority);
		File chain = node.toTempCertChainPem();
		File key = node.toTempPrivateKeyPem();
		File root = authority.toTempRootCertPem();
		bundleProperties = new String[] {
				"spring.ssl.bundle.pem.cluster.keystore.certificate=file:" + chain.getAbsolutePath(),
				"spring.ssl.bundle.pem.cluster.keystore.private-key=file:" + key.getAbsolutePath(),
				"spring.ssl.bundle.pem.cluster.truststore.certificate=file:" + root.getAbsolutePath() };
	}

	@Test
	void withoutABundleNodesUsePlainTcp() {
		this.runner.withPropertyValues("partisan.node.name=n1", "partisan.node.port=0")
			.run((context) -> assertThat(context.getBean(PartisanConfig.class).tls()).isNull());
	}

	@Test
	void aNamedBundleGivesTheNodeTls() {
		this.runner.withPropertyValues(bundleProperties)
			.withPropertyValues("partisan.node.name=n1", "partisan.node.port=0", "partisan.security.ssl.bundle=cluster")
			.run((context) -> {
				PartisanConfig config = context.getBean(PartisanConfig.class);
				assertThat(config.tls()).isNotNull();
				assertThat(config.tls().verifiesHostname()).isTrue();
			});
	}

	@Test
	void hostnameVerificationCanBeTurnedOff() {
		this.runner.withPropertyValues(bundleProperties)
			.withPropertyValues("partisan.node.name=n1", "partisan.node.port=0", "partisan.security.ssl.bundle=cluster",
					"partisan.security.ssl.verify-hostname=false")
			.run((context) -> assertThat(context.getBean(PartisanConfig.class).tls().verifiesHostname()).isFalse());
	}

	@Test
	void aBundleThatDoesNotExistFailsTheStartNamingIt() {
		this.runner
			.withPropertyValues("partisan.node.name=n1", "partisan.node.port=0", "partisan.security.ssl.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(NoSuchSslBundleException.class)
				.hasMessageContaining("missing"));
	}

	@Test
	void aBundleNamedWithoutSslBundlesSaysWhichPropertyAndWhatIsMissing() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
			.withPropertyValues("partisan.node.name=n1", "partisan.node.port=0", "partisan.security.ssl.bundle=cluster")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("partisan.security.ssl.bundle"));
	}

	@Test
	void twoApplicationsConfiguredOnlyByPropertiesTalkOverTheBundle() {
		int port = FreePorts.next();
		this.runner.withPropertyValues(bundleProperties)
			.withPropertyValues("partisan.node.name=a", "partisan.node.port=" + port, "partisan.cluster-secret=s",
					"partisan.security.ssl.bundle=cluster")
			.run((a) -> this.runner.withPropertyValues(bundleProperties)
				.withPropertyValues("partisan.node.name=b", "partisan.node.port=0", "partisan.cluster-secret=s",
						"partisan.security.ssl.bundle=cluster", "partisan.seeds=a@127.0.0.1:" + port)
				.run((b) -> {
					PartisanNode nodeA = a.getBean(PartisanNode.class);
					PartisanNode nodeB = b.getBean(PartisanNode.class);
					List<String> inbox = new CopyOnWriteArrayList<>();
					nodeA.register("inbox", String.class, (text, meta) -> inbox.add(meta.sender().name() + ":" + text));
					await().atMost(TestNodes.awaitLimit())
						.untilAsserted(() -> assertThat(nodeA.members()).extracting(Node::name).contains("b"));
					nodeB.forward(nodeA.localNode().id(), "inbox", "over the bundle");
					await().atMost(TestNodes.awaitLimit())
						.untilAsserted(() -> assertThat(inbox).containsExactly("b:over the bundle"));
				}));
	}

}
