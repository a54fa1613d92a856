package dev.partisan.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.PayloadView;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.wire.BinaryPayloadCodec;
import dev.partisan.wire.Compression;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.StringPayloadCodec;
import dev.partisan.wire.TypeAllowList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A handler that takes a {@link PayloadView} reads the received buffer in place, and only
 * while it runs: the buffer is alive during the call and released when it returns, and
 * the view refuses every use after that.
 */
class PayloadViewLifetimeTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final TrackingAllocator alloc = new TrackingAllocator();

	private final List<String> replies = new CopyOnWriteArrayList<>();

	private final Dispatcher dispatcher = new Dispatcher("test", 2, 100,
			new PayloadDecoding(new PayloadCodecs(List.of(), new TypeAllowList()), this.alloc, 16 * 1024 * 1024),
			(call, value, error) -> this.replies.add(String.valueOf(error)));

	@AfterEach
	void close() {
		this.dispatcher.close();
	}

	@Test
	void theViewReadsTheReceivedBytesInPlaceWhileTheHandlerRunsAndIsDeadAfterwards() {
		byte[] sent = randomBytes(300_000);
		// As the socket delivers a large frame: in several pieces.
		ByteBuf received = inPieces(sent, 64 * 1024);
		AtomicReference<PayloadView> kept = new AtomicReference<>();
		List<String> seen = new CopyOnWriteArrayList<>();
		this.dispatcher.register("h", PayloadView.class, (view, meta) -> {
			seen.add("alive " + (received.refCnt() > 0));
			seen.add("bytes " + java.util.Arrays.equals(gather(view.asReadOnlyBuffers()), sent));
			seen.add("array " + java.util.Arrays.equals(view.toArray(), sent));
			seen.add("one buffer " + ByteBuffer.wrap(sent).equals(view.asReadOnlyBuffer()));
			seen.add("last " + (view.get(view.size() - 1) == sent[sent.length - 1]));
			seen.add("read-only " + view.asReadOnlyBuffers().stream().allMatch(ByteBuffer::isReadOnly));
			kept.set(view);
		});

		this.dispatcher.dispatch(delivery(BinaryPayloadCodec.ID, false, received));

		await().atMost(PATIENCE).until(() -> kept.get() != null && !kept.get().isValid());
		assertThat(seen).containsExactly("alive true", "bytes true", "array true", "one buffer true", "last true",
				"read-only true");
		PayloadView view = kept.get();
		assertThat(received.refCnt()).as("released when the handler returned").isZero();
		assertThat(this.alloc.unreleased()).isEmpty();
		assertThatThrownBy(() -> view.get(0)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("valid only while its handler runs");
		assertThatThrownBy(view::asReadOnlyBuffers).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(view::asReadOnlyBuffer).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(view::toArray).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(view::size).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aHandlerThatThrowsEndsItsViewToo() {
		ByteBuf received = inPieces(randomBytes(10_000), 4096);
		AtomicReference<PayloadView> kept = new AtomicReference<>();
		this.dispatcher.register("h", PayloadView.class, (view, meta) -> {
			kept.set(view);
			throw new IllegalArgumentException("handler bug");
		});

		this.dispatcher.dispatch(delivery(BinaryPayloadCodec.ID, false, received));

		await().atMost(PATIENCE).until(() -> kept.get() != null && !kept.get().isValid());
		assertThat(received.refCnt()).isZero();
		assertThatThrownBy(() -> kept.get().get(0)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aCompressedPayloadIsLentInflatedAndBothBuffersAreReleased() {
		byte[] sent = new byte[200_000];
		for (int i = 0; i < sent.length; i++) {
			sent[i] = (byte) (i % 7);
		}
		ByteBuf source = this.alloc.buffer(sent.length).writeBytes(sent);
		ByteBuf deflated = Compression.deflate(source, this.alloc);
		AtomicReference<PayloadView> kept = new AtomicReference<>();
		List<Boolean> intact = new CopyOnWriteArrayList<>();
		this.dispatcher.register("h", PayloadView.class, (view, meta) -> {
			intact.add(java.util.Arrays.equals(view.toArray(), sent));
			kept.set(view);
		});

		this.dispatcher.dispatch(delivery(BinaryPayloadCodec.ID, true, deflated));

		await().atMost(PATIENCE).until(() -> kept.get() != null && !kept.get().isValid());
		assertThat(intact).containsExactly(true);
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void aPayloadThatIsNotBinaryIsNotLentAndTheHandlerDoesNotRun() {
		List<PayloadView> got = new CopyOnWriteArrayList<>();
		this.dispatcher.register("h", PayloadView.class, (view, meta) -> got.add(view));
		ByteBuf text = this.alloc.buffer().writeBytes("text".getBytes(StandardCharsets.UTF_8));

		this.dispatcher.dispatch(new Delivery(new PartisanMessage(NodeId.of("s"), "default", "h", 2),
				StringPayloadCodec.ID, "", false, text, true));

		await().atMost(PATIENCE).until(() -> this.replies.size() == 1);
		assertThat(this.replies.get(0)).contains("only a binary payload");
		assertThat(got).isEmpty();
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	private Delivery delivery(byte codecId, boolean compressed, ByteBuf payload) {
		return new Delivery(new PartisanMessage(NodeId.of("s"), "default", "h", 1), codecId, "", compressed, payload,
				false);
	}

	/** {@code bytes} in a composite of pieces of {@code piece} bytes, all tracked. */
	private ByteBuf inPieces(byte[] bytes, int piece) {
		CompositeByteBuf composite = this.alloc.compositeDirectBuffer(Integer.MAX_VALUE);
		for (int offset = 0; offset < bytes.length; offset += piece) {
			int length = Math.min(piece, bytes.length - offset);
			composite.addComponent(true, this.alloc.directBuffer(length).writeBytes(bytes, offset, length));
		}
		return composite;
	}

	private static byte[] gather(List<ByteBuffer> parts) {
		ByteBuffer all = ByteBuffer.allocate(parts.stream().mapToInt(ByteBuffer::remaining).sum());
		parts.forEach((part) -> all.put(part.duplicate()));
		return all.array();
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
