package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.transport.Tls;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * TLS between nodes from a Spring Boot SSL bundle ({@code partisan.security.ssl.bundle}):
 * the bundle's key and trust managers on both sides of every connection. When the bundle
 * is reloaded (its {@code reload-on-update}), connections made after the change use the
 * new material; those already open keep theirs until they are redialled.
 */
final class SslBundleTls {

	private static final String PROPERTY = "partisan.security.ssl.bundle";

	private volatile Tls.Contexts contexts;

	private SslBundleTls(SslBundle bundle) {
		this.contexts = contextsOf(bundle);
	}

	/**
	 * The TLS of {@code properties}, or {@code null} when no bundle is named.
	 * @throws InvalidConfigurationPropertyValueException when a bundle is named but none
	 * are configured
	 */
	static @Nullable Tls of(PartisanProperties.Ssl properties, @Nullable SslBundles bundles) {
		String name = properties.getBundle();
		if (name == null || name.isBlank()) {
			return null;
		}
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, name,
					"No SSL bundles are configured; define one under spring.ssl.bundle.* with this name");
		}
		SslBundleTls current = new SslBundleTls(bundles.getBundle(name));
		bundles.addBundleUpdateHandler(name, (updated) -> current.contexts = contextsOf(updated));
		Tls tls = Tls.reloading(() -> current.contexts);
		return properties.isVerifyHostname() ? tls : tls.withoutHostnameVerification();
	}

	private static Tls.Contexts contextsOf(SslBundle bundle) {
		return Tls.contexts(bundle.getManagers().getKeyManagerFactory(), bundle.getManagers().getTrustManagerFactory());
	}

}
