package dev.partisan.pipeline;

/** One step of the {@link OutboundPath}. */
@FunctionalInterface
public interface OutboundStage {

	/**
	 * Does this stage's part for {@code envelope}, or nothing when it does not apply.
	 * @return false when the envelope goes no further (delivered locally, dropped, handed
	 * to the transport)
	 * @throws RuntimeException when the message cannot be sent; the path then releases
	 * the envelope
	 */
	boolean apply(OutboundEnvelope envelope);

}
