package dev.partisan.pipeline;

/** One step of an {@link InboundPath}. */
@FunctionalInterface
public interface InboundStage {

	/**
	 * Does this stage's part for {@code envelope}, or nothing when it does not apply.
	 * @return false when the envelope goes no further here (handled, dropped, or held to
	 * be {@link InboundEnvelope#resume() resumed} later)
	 */
	boolean apply(InboundEnvelope envelope);

}
