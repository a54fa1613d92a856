package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.runtime.PartisanConfig;

/**
 * Changes the node's configuration after the properties are applied: the extension point
 * for what properties cannot express (a custom codec, an overlay instance). Applied in
 * {@code @Order}.
 */
@FunctionalInterface
public interface PartisanConfigCustomizer {

	void customize(PartisanConfig.Builder builder);

}
