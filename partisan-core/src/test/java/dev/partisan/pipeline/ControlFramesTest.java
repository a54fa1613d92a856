package dev.partisan.pipeline;

import java.util.Map;

import dev.partisan.api.CodecException;
import dev.partisan.membership.ControlMessage;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.pipeline.PipelineFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The node's own frames on the control channel, read back as a receiver would:
 * acknowledgements and heartbeats are empty frames that only their kind and id matter
 * for, control messages are named by their registered wire type.
 */
class ControlFramesTest {

	record Unregistered(int value) implements ControlMessage {
	}

	private final TrackingAllocator alloc = new TrackingAllocator();

	private final ControlCodec codec = new ControlCodec(Map.of("ping", PipelineFixture.Ping.class));

	private long nextId = 100;

	private final ControlFrames frames = new ControlFrames("a", this.codec, () -> ++this.nextId, this.alloc);

	@AfterEach
	void nothingLeaks() {
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void anAcknowledgementIsAnEmptyAckFrameUnderTheAcknowledgedMessagesId() {
		OutboundEnvelope ack = this.frames.ack(B, 42);

		assertThat(ack.kind()).isEqualTo(FrameKind.ACK);
		assertThat(ack.id()).isEqualTo(42);
		assertThat(ack.peer()).isEqualTo(B);
		assertThat(ack.channel()).isEqualTo(ChannelSpec.CONTROL);
		Frame frame = read(ack.takeFrame());
		assertThat(frame.kind()).isEqualTo(FrameKind.ACK);
		assertThat(frame.messageId()).isEqualTo(42);
		assertThat(frame.sender()).isEqualTo("a");
		assertThat(frame.channel()).isEqualTo(ChannelSpec.CONTROL);
		assertThat(frame.payload().readableBytes()).isZero();
		assertThat(this.nextId).as("an acknowledgement takes no id of its own").isEqualTo(100);
	}

	@Test
	void aHeartbeatIsAnEmptyHeartbeatFrameWithIdZero() {
		OutboundEnvelope heartbeat = this.frames.heartbeat(B);

		assertThat(heartbeat.kind()).isEqualTo(FrameKind.HEARTBEAT);
		assertThat(heartbeat.peer()).isEqualTo(B);
		Frame frame = read(heartbeat.takeFrame());
		assertThat(frame.kind()).isEqualTo(FrameKind.HEARTBEAT);
		assertThat(frame.messageId()).isZero();
		assertThat(frame.channel()).isEqualTo(ChannelSpec.CONTROL);
		assertThat(frame.payload().readableBytes()).isZero();
	}

	@Test
	void aControlMessageIsAControlFrameNamedByItsTypeUnderAFreshId() {
		OutboundEnvelope control = this.frames.control(B, new PipelineFixture.Ping("hello"));

		assertThat(control.kind()).isEqualTo(FrameKind.CONTROL);
		assertThat(control.id()).isEqualTo(101);
		assertThat(control.destination()).isEqualTo("ping");
		assertThat(control.channel()).isEqualTo(ChannelSpec.CONTROL);
		Frame frame = read(control.takeFrame());
		assertThat(frame.kind()).isEqualTo(FrameKind.CONTROL);
		assertThat(frame.messageId()).isEqualTo(101);
		assertThat(frame.destination()).isEqualTo("ping");
		assertThat(frame.payloadType()).isEqualTo("ping");
		assertThat(control.payloadSize()).as("what egress interposition sees")
			.isEqualTo(frame.payload().readableBytes());
		assertThat(this.codec.decode(frame.destination(), frame.payload()))
			.isEqualTo(new PipelineFixture.Ping("hello"));
	}

	@Test
	void anAnnouncementIsTheSameControlFrameForEveryNode() {
		Frame frame = read(this.frames.announcement(new PipelineFixture.Ping("all")));

		assertThat(frame.kind()).isEqualTo(FrameKind.CONTROL);
		assertThat(frame.destination()).isEqualTo("ping");
		assertThat(this.codec.decode(frame.destination(), frame.payload())).isEqualTo(new PipelineFixture.Ping("all"));
	}

	@Test
	void aControlMessageOfATypeTheOverlayDidNotRegisterIsRefusedBeforeAnythingIsEncoded() {
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.frames.control(B, new Unregistered(1)))
			.withMessageContaining(Unregistered.class.getName());

		assertThat(this.alloc.allocations()).isZero();
		assertThat(this.nextId).isEqualTo(100);
	}

	/**
	 * Decodes a complete frame and releases every buffer; the payload is copied to a heap
	 * buffer first.
	 */
	private static Frame read(ByteBuf wire) {
		try {
			Frame frame = FrameCodec.decode(wire.slice(wire.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE,
					wire.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE));
			try {
				return frame.withPayload(Unpooled.copiedBuffer(frame.payload()));
			}
			finally {
				frame.release();
			}
		}
		finally {
			wire.release();
		}
	}

}
