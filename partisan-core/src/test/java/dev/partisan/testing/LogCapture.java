package dev.partisan.testing;

import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Records what a logger writes, so a test can assert that a reason was logged. */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	public LogCapture(Class<?> source) {
		this(source.getName());
	}

	/**
	 * Captures a logger by name, for classes that are not visible to the test;
	 * {@code org.slf4j.Logger.ROOT_LOGGER_NAME} captures every logger.
	 */
	public LogCapture(String loggerName) {
		this.logger = (Logger) LoggerFactory.getLogger(loggerName);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	public List<String> messages() {
		synchronized (this.appender) {
			return this.appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
		}
	}

	/**
	 * What was logged at {@code level} or above, each as "LEVEL logger: message", so a
	 * failure shows where a line came from.
	 */
	public List<String> atLeast(Level level) {
		synchronized (this.appender) {
			return this.appender.list.stream()
				.filter((event) -> event.getLevel().isGreaterOrEqual(level))
				.map((event) -> event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage())
				.collect(Collectors.toList());
		}
	}

	public boolean contains(String fragment) {
		return messages().stream().anyMatch((m) -> m.contains(fragment));
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
	}

}
