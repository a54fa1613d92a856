package dev.partisan.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.partisan.api.CodecException;
import dev.partisan.membership.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Found by the fuzz tests: Jackson read the JSON {@code null} as no message and a missing
 * field as null, and the overlays would have failed on them on their own thread.
 */
class ControlCodecTest {

	record Note(String text, @Nullable String tag) implements ControlMessage {
	}

	record Notes(List<Note> notes) implements ControlMessage {
	}

	private final ControlCodec codec = new ControlCodec(Map.of("note", Note.class, "notes", Notes.class));

	@Test
	void theJsonNullIsNotAControlMessage() {
		assertThatThrownBy(() -> decode("note", "null")).isInstanceOf(CodecException.class)
			.hasMessageContaining("is null");
	}

	@Test
	void aControlMessageWithoutAFieldTheOverlayReliesOnIsRefused() {
		assertThatThrownBy(() -> decode("note", "{}")).isInstanceOf(CodecException.class)
			.hasMessageContaining("has no note.text");
	}

	@Test
	void aNullInsideAListOrANestedRecordIsRefused() {
		assertThatThrownBy(() -> decode("notes", "{\"notes\":[null]}")).isInstanceOf(CodecException.class)
			.hasMessageContaining("has no notes.notes[0]");
		assertThatThrownBy(() -> decode("notes", "{\"notes\":[{\"tag\":\"t\"}]}")).isInstanceOf(CodecException.class)
			.hasMessageContaining("has no notes.notes[0].text");
	}

	@Test
	void aFieldMarkedNullableMayBeNullAndTheMessageReadsBackAsSent() {
		Notes sent = new Notes(List.of(new Note("hello", null)));
		ByteBuf wire = this.codec.encode(sent, ByteBufAllocator.DEFAULT);
		try {
			assertThat(this.codec.decode("notes", wire)).isEqualTo(sent);
		}
		finally {
			wire.release();
		}
	}

	private ControlMessage decode(String type, String json) {
		return this.codec.decode(type, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
	}

}
