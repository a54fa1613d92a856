package dev.partisan.pipeline;

import java.util.List;

import dev.partisan.api.LogText;
import dev.partisan.api.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages an arriving frame passes through, in order. Runs on the transport's threads
 * (Netty event loops, broker consumers) and must not block: handlers run on their own
 * workers.
 */
public final class InboundPath {

	private static final Logger logger = LoggerFactory.getLogger(InboundPath.class);

	/** A peer can send bad frames as fast as it likes; one line per sender a minute. */
	private final RateLimitedLog drops = new RateLimitedLog(logger);

	private final InboundStage[] stages;

	public InboundPath(List<InboundStage> stages) {
		this.stages = stages.toArray(InboundStage[]::new);
	}

	/**
	 * Takes an arriving frame through the stages; the envelope's payload is always
	 * released eventually.
	 */
	public void receive(InboundEnvelope envelope) {
		run(envelope, 0);
	}

	/**
	 * Continues from stage {@code from} (a stage held the envelope back and let it go).
	 */
	void run(InboundEnvelope envelope, int from) {
		try {
			for (int i = from; i < this.stages.length; i++) {
				envelope.resumeAt(this, i + 1);
				if (!this.stages[i].apply(envelope)) {
					return;
				}
			}
			envelope.release();
		}
		catch (RuntimeException ex) {
			this.drops.warn(envelope.sender().name(), "Dropped a {} frame from {}: {}", envelope.frame().kind(),
					envelope.sender(), LogText.escape(ex));
			envelope.release();
		}
	}

	/** The stages' names, in order, for diagnostics. */
	public List<String> stageNames() {
		return List.of(this.stages).stream().map((stage) -> stage.getClass().getSimpleName()).toList();
	}

}
