package dev.partisan.pipeline;

import dev.partisan.api.ForwardOptions;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.StringPayloadCodec;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FUZZ FINDING, NOT FIXED HERE: pipeline/Relaying is being edited elsewhere.
 * Relaying.receive unwraps the inner frame (RelayCodec.inner retains a slice of the relay
 * payload) and then builds the origin with NodeId.of(inner.sender()); a sender that is
 * not a valid node name throws IllegalArgumentException, which receive catches, but the
 * inner frame is never released, so every such relay leaks its buffer. The fix belongs in
 * Relaying: release the inner frame when anything after RelayCodec.inner throws. Enable
 * this test with that fix.
 */
class RelayingFindingTest {

	@Disabled("Fuzz finding for the owner of pipeline/Relaying (Relaying.java:51-52): "
			+ "the inner frame leaks when its sender is not a node name")
	@Test
	void aRelayForThisNodeWhoseInnerSenderIsNotANodeNameIsDroppedWithoutLeakingItsBuffer() {
		try (PipelineFixture fixture = new PipelineFixture()) {
			// A DATA frame whose sender no NodeId accepts.
			ByteBuf inner = FrameCodec.encode(fixture.alloc,
					new Frame(FrameKind.DATA, 0, 1, ForwardOptions.DEFAULT_CHANNEL, "not a node name!", "actor", "kv",
							StringPayloadCodec.ID, "", fixture.text("hello")));
			Frame relay = Frame.of(FrameKind.RELAY, 1, ForwardOptions.DEFAULT_CHANNEL, PipelineFixture.B.name())
				.withAddress("actor", PipelineFixture.A.name())
				.withPayload(RelayCodec.wrap(fixture.alloc, PipelineFixture.INCARNATION, inner));
			Relaying relaying = new Relaying(PipelineFixture.A, fixture.routes, fixture.outbound, fixture.alloc);
			assertThat(relaying.receive(fixture.arriving(PipelineFixture.B, relay))).isNull();
			assertThat(fixture.alloc.unreleased()).as("buffers left once the relay is dropped").isEmpty();
		}
	}

}
