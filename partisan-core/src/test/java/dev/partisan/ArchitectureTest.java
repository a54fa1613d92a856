package dev.partisan;

import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure of partisan-core, checked on its main classes on every build so
 * that it does not erode one convenient import at a time. Each package lists the packages
 * it may use; anything not listed is a dependency against the layering. A new package is
 * free until it is given a layer here.
 */
@AnalyzeClasses(packages = "dev.partisan", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	/**
	 * A cycle between two packages makes them one package in all but name: neither can
	 * change alone.
	 */
	@ArchTest
	static final ArchRule noCyclesBetweenPackages = slices().matching("dev.partisan.(*)..")
		.namingSlices("$1")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule layering = layeredArchitecture().consideringOnlyDependenciesInLayers()
		// A layer with no classes yet (a new package) still gets its rules.
		.withOptionalLayers(true)
		.layer("api")
		.definedBy("dev.partisan.api..")
		.layer("config")
		.definedBy("dev.partisan.config..")
		.layer("wire")
		.definedBy("dev.partisan.wire..")
		.layer("transport")
		.definedBy("dev.partisan.transport..")
		.layer("delivery")
		.definedBy("dev.partisan.delivery..")
		.layer("dispatch")
		.definedBy("dev.partisan.dispatch..")
		.layer("interpose")
		.definedBy("dev.partisan.interpose..")
		.layer("membership")
		.definedBy("dev.partisan.membership..")
		.layer("pipeline")
		.definedBy("dev.partisan.pipeline..")
		.layer("pubsub")
		.definedBy("dev.partisan.pubsub..")
		.layer("simulation")
		.definedBy("dev.partisan.simulation..")
		.layer("runtime")
		.definedBy("dev.partisan.runtime..")
		// The vocabulary every other package shares, so it can depend on none of them.
		.whereLayer("api")
		.mayNotAccessAnyLayer()
		// The settings groups: values, defaults and their checks, nothing else.
		.whereLayer("config")
		.mayOnlyAccessLayers("api")
		.whereLayer("wire")
		.mayOnlyAccessLayers("api")
		.whereLayer("transport")
		.mayOnlyAccessLayers("api", "config", "wire")
		// The protocol building blocks take what they need from below and know nothing
		// of who assembles them. Each is allowed what it uses today: delivery reads
		// ShortStrings from wire, dispatch pauses reads through transport's InboundFlow.
		.whereLayer("delivery")
		.mayOnlyAccessLayers("api", "wire")
		.whereLayer("dispatch")
		.mayOnlyAccessLayers("api", "transport")
		.whereLayer("interpose")
		.mayOnlyAccessLayers("api")
		// An overlay names the transport it runs on (OverlayFactory.transport()).
		.whereLayer("membership")
		.mayOnlyAccessLayers("api", "config", "transport")
		// pipeline composes the building blocks; the runtime composes the pipeline, never
		// the reverse.
		.whereLayer("pipeline")
		.mayOnlyAccessLayers("api", "config", "wire", "transport", "delivery", "dispatch", "interpose", "membership")
		// An overlay like the others: it plugs into the runtime through the membership
		// SPI and must not reach back into the runtime that selects it.
		.whereLayer("pubsub")
		.mayOnlyAccessLayers("api", "config", "wire", "transport", "membership", "pipeline")
		// The simulator drives the overlays without the network or the runtime.
		.whereLayer("simulation")
		.mayOnlyAccessLayers("api", "config", "membership")
		// runtime is the assembly point: it may use every package above, and is used by
		// none of them.
		.whereLayer("runtime")
		.mayNotBeAccessedByAnyLayer();

	/**
	 * Java serialization turns a byte stream into arbitrary objects; frames from the
	 * network are decoded by the wire codecs and their type allow-list only.
	 */
	@ArchTest
	static final ArchRule noJavaSerialization = noClasses().should()
		.dependOnClassesThat()
		.areAssignableTo(ObjectInputStream.class)
		.orShould()
		.dependOnClassesThat()
		.areAssignableTo(ObjectOutputStream.class)
		.because("network input is decoded by the wire codecs with their type allow-list, never by Java serialization");

	/** Demos and examples live in partisan-examples; the library must not need them. */
	@ArchTest
	static final ArchRule noDependencyOnExamples = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("..example..")
		.because("example programs live in partisan-examples, outside the library jar");

}
