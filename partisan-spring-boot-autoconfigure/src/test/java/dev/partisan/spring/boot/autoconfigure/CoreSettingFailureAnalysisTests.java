package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.InvalidSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's checks reach the failure analysis as the property that was set, field by field.
 */
class CoreSettingFailureAnalysisTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PartisanAutoConfiguration.class))
		.withPropertyValues("partisan.node.name=test", "partisan.node.port=0");

	@Test
	void aNestedSettingIsReportedUnderItsOwnProperty() {
		this.runner.withPropertyValues("partisan.hyparview.prwl=9").run((context) -> {
			assertThat(context).hasFailed();
			InvalidPartisanPropertyException failure = (InvalidPartisanPropertyException) findCause(
					context.getStartupFailure(), InvalidPartisanPropertyException.class);
			assertThat(failure.getProperty()).isEqualTo("partisan.hyparview.prwl");
			assertThat(failure.getValue()).isEqualTo("9");
			assertThat(failure.getAllowed()).isEqualTo("between 0 and hyparview.arwl (6)");
			assertThat(failure.getCause()).isInstanceOf(InvalidSettingException.class);
		});
	}

	@Test
	void aDurationIsShownAsItWasWritten() {
		this.runner.withPropertyValues("partisan.dedup-window=0s").run((context) -> {
			FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: partisan.dedup-window")
				.contains("Value: \"0s\"")
				.contains("a positive duration");
		});
	}

	@Test
	void aNegativeThreadCountIsRejectedRatherThanIgnored() {
		this.runner.withPropertyValues("partisan.handler-threads=-1").run((context) -> {
			FailureAnalysis analysis = new PartisanFailureAnalyzers.InvalidProperty()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: partisan.handler-threads")
				.contains("0 for max(2, cores)");
		});
	}

	private static Throwable findCause(Throwable failure, Class<?> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return current;
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
	}

}
