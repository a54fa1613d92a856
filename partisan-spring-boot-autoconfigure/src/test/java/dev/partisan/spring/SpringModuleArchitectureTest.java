package dev.partisan.spring;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The Spring module configures and exposes the runtime; it does not take part in the
 * protocol. It reaches partisan-core through the application API and the runtime's
 * configuration and facade, plus the few named types below, so the protocol packages can
 * change without touching Spring code.
 */
@AnalyzeClasses(packages = "dev.partisan.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class SpringModuleArchitectureTest {

	@ArchTest
	static final ArchRule onlyTheApiTheRuntimeAndNamedExceptions = classes().should()
		.onlyDependOnClassesThat(resideOutsideOfPackage("dev.partisan..")
			.or(resideInAnyPackage("dev.partisan.spring..", "dev.partisan.api..", "dev.partisan.runtime.."))
			// partisan.channels.* maps one to one onto a ChannelSpec and its placement.
			.or(nameMatching("dev\\.partisan\\.transport\\.ChannelSpec(\\$.*)?"))
			.or(nameMatching("dev\\.partisan\\.transport\\.LanePlacement(\\$.*)?"))
			// partisan.security.ssl.* builds core's TLS from an SSL bundle.
			.or(nameMatching("dev\\.partisan\\.transport\\.Tls(\\$.*)?"))
			// partisan.overlay=pubsub: the auto-configuration builds the pub-sub overlay
			// from spring.rabbitmq.* and partisan.pubsub.*: its factory and settings.
			.or(nameMatching("dev\\.partisan\\.pubsub\\.PubSubOverlay(\\$.*)?"))
			.or(nameMatching("dev\\.partisan\\.pubsub\\.PubSubSettings(\\$.*)?"))
			// partisan.hyparview.* maps onto the peer-to-peer overlay's settings record
			// (the record only, not the overlay).
			.or(nameMatching("dev\\.partisan\\.membership\\.HyParViewOverlay\\$Settings"))
			// partisan.overlay may name an OverlayFactory bean: the SPI an application
			// brings its own overlay through.
			.or(nameMatching("dev\\.partisan\\.membership\\.OverlayFactory(\\$.*)?")))
		.because("the Spring module configures the runtime and must not depend on protocol internals");

	/** Stated on its own as well, so a violation names the package it crossed into. */
	@ArchTest
	static final ArchRule noProtocolInternals = noClasses().should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.partisan.wire..", "dev.partisan.delivery..", "dev.partisan.dispatch..",
				"dev.partisan.pipeline..", "dev.partisan.interpose..")
		.allowEmptyShould(true)
		.because("frames, acknowledgements, mailboxes and the pipeline are the runtime's business");

}
