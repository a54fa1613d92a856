package dev.partisan.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.StringPayloadCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static dev.partisan.pipeline.PipelineFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How an application's send becomes an envelope: ids, acknowledgement and the sending
 * actor.
 */
class SendingTest {

	private final PipelineFixture paths = new PipelineFixture();

	private final Sending sending = new Sending(new AtomicLong(), this.paths.channels, this.paths.codecs,
			this.paths.alloc);

	@AfterEach
	void nothingLeaks() {
		this.paths.close();
		this.paths.assertNothingLeaked();
	}

	@Test
	void anEnvelopeCarriesAFreshIdAndWhereTheMessageGoes() {
		ForwardOptions options = ForwardOptions.channel(PipelineFixture.BULK).partitionKey("k");

		OutboundEnvelope first = this.sending.envelope(B, "inbox", "one", options);
		OutboundEnvelope second = this.sending.envelope(B, "inbox", "two", options);

		assertThat(first.id()).isEqualTo(1);
		assertThat(second.id()).isEqualTo(2);
		assertThat(first.target()).isEqualTo(B);
		assertThat(first.channel()).isEqualTo(PipelineFixture.BULK);
		assertThat(first.destination()).isEqualTo("inbox");
		assertThat(first.partitionKey()).isEqualTo("k");
		assertThat(first.message()).isEqualTo("one");
	}

	@Test
	void aPlainMessageOnAChannelWithoutAckIsNotAcknowledged() {
		OutboundEnvelope envelope = this.sending.envelope(B, "inbox", "m", ForwardOptions.defaults());

		assertThat(envelope.tracked()).isFalse();
		assertThat(envelope.hasFlag(FrameCodec.FLAG_ACK)).isFalse();
	}

	@Test
	void acknowledgementAskedForInTheOptionsIsTracked() {
		OutboundEnvelope envelope = this.sending.envelope(B, "inbox", "m", ForwardOptions.defaults().ack(true));

		assertThat(envelope.tracked()).isTrue();
		assertThat(envelope.hasFlag(FrameCodec.FLAG_ACK)).isTrue();
	}

	@Test
	void aCausalLabelImpliesAcknowledgement() {
		// A lost predecessor would hold its successors back forever, so causal messages
		// are retransmitted.
		OutboundEnvelope envelope = this.sending.envelope(B, "inbox", "m",
				ForwardOptions.defaults().causalLabel("orders"));

		assertThat(envelope.causalLabel()).isEqualTo("orders");
		assertThat(envelope.tracked()).isTrue();
		assertThat(envelope.hasFlag(FrameCodec.FLAG_ACK)).isTrue();
	}

	@Test
	void aChannelConfiguredWithAckAcknowledgesEveryMessage() {
		OutboundEnvelope envelope = this.sending.envelope(B, "inbox", "m",
				ForwardOptions.channel(PipelineFixture.ACKED));

		assertThat(envelope.tracked()).isTrue();
		assertThat(envelope.hasFlag(FrameCodec.FLAG_ACK)).isTrue();
	}

	@Test
	void theSenderIdentityNamedInTheOptionsWins() throws Exception {
		assertThat(this.sending.envelope(B, "inbox", "m", ForwardOptions.defaults().sender("actor-7")).senderIdentity())
			.isEqualTo("actor-7");
		assertThat(identityInsideHandler(ForwardOptions.defaults().sender("actor-7"))).isEqualTo("actor-7");
	}

	@Test
	void insideAHandlerTheSenderIdentityIsTheHandlersName() throws Exception {
		assertThat(identityInsideHandler(ForwardOptions.defaults())).isEqualTo("worker");
	}

	@Test
	void outsideAHandlerTheSenderIdentityIsTheCallingThread() {
		OutboundEnvelope envelope = this.sending.envelope(B, "inbox", "m", ForwardOptions.defaults());

		assertThat(envelope.senderIdentity()).isEqualTo("thread-" + Thread.currentThread().getId());
	}

	@Test
	void aMessageEncodedWholeKeepsItsCodecAndBytes() {
		Sending.Encoded encoded = this.sending.encodeWhole("gossip", 100);

		assertThat(encoded.codecId()).isEqualTo(StringPayloadCodec.ID);
		assertThat(encoded.bytes()).asString().isEqualTo("gossip");
	}

	@Test
	void aMessageEncodedWholeThatIsTooLargeIsRefused() {
		assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> this.sending.encodeWhole("x".repeat(101), 100));
	}

	/**
	 * The sender identity of an envelope made by the handler named {@code worker}, on its
	 * worker thread.
	 */
	private String identityInsideHandler(ForwardOptions options) throws Exception {
		CompletableFuture<String> identity = new CompletableFuture<>();
		this.paths.dispatcher.register("worker", String.class, (payload, meta) -> identity
			.complete(this.sending.envelope(B, "inbox", payload, options).senderIdentity()));
		this.paths.outbound.send(OutboundEnvelope.data(1, PipelineFixture.A, ForwardOptions.DEFAULT_CHANNEL, "go")
			.destination("worker"));
		return identity.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
	}

}
