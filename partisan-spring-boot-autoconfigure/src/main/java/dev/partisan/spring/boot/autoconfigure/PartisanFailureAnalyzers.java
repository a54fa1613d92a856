package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.PortInUseException;
import dev.partisan.spring.handler.InvalidPartisanHandlerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Failure analyzers that turn Partisan's start-up errors into what to change. */
final class PartisanFailureAnalyzers {

	private PartisanFailureAnalyzers() {
	}

	/**
	 * A bad {@code partisan.*} value, from this module's own checks or from core's, whose
	 * structured exception carries the property, the value and what is allowed.
	 */
	static final class InvalidProperty extends AbstractFailureAnalyzer<InvalidPartisanPropertyException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, InvalidPartisanPropertyException cause) {
			String description = "Invalid Partisan configuration " + cause.getProperty() + "=" + cause.getValue()
					+ ":\n\n    Property: " + cause.getProperty() + "\n    Value: \"" + cause.getValue()
					+ "\"\n    Reason: it must be " + cause.getAllowed();
			String action = "Update your application's configuration: set " + cause.getProperty()
					+ " to a valid value (" + cause.getAllowed()
					+ "), or change the PartisanConfigCustomizer that sets it.";
			return new FailureAnalysis(description, action, cause);
		}

	}

	/**
	 * The node's port is taken: core found the port itself refusing a bind, not a message
	 * to match.
	 */
	static final class PortInUse extends AbstractFailureAnalyzer<PortInUseException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, PortInUseException cause) {
			String description = "Partisan could not listen on " + cause.host() + ":" + cause.port()
					+ ": the port is already in use (property partisan.node.port).";
			String action = "Stop the process listening on port " + cause.port()
					+ ", or set partisan.node.port to another port (0 picks a free one).";
			return new FailureAnalysis(description, action, cause);
		}

	}

	/** A mis-declared {@code @PartisanChannel} method. */
	static final class InvalidHandler extends AbstractFailureAnalyzer<InvalidPartisanHandlerException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, InvalidPartisanHandlerException cause) {
			return new FailureAnalysis("Invalid @PartisanChannel handler: " + cause.getMessage(),
					"Declare the method with one payload parameter (and optionally a PartisanMessage), give every "
							+ "handler a unique name, and name only configured channels (partisan.channels.*).",
					cause);
		}

	}

}
