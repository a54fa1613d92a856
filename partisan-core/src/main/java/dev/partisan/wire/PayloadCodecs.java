package dev.partisan.wire;

import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * A node's codecs, tried in order: the user's own first, then binary, string and (last,
 * because it takes anything) the object codec.
 */
public final class PayloadCodecs {

	private final PayloadCodec[] ordered;

	private final @Nullable PayloadCodec[] byId = new PayloadCodec[256];

	public PayloadCodecs(List<PayloadCodec> custom, TypeAllowList allowList) {
		List<PayloadCodec> all = new ArrayList<>(custom);
		all.add(new BinaryPayloadCodec());
		all.add(new StringPayloadCodec());
		all.add(new JacksonPayloadCodec(allowList));
		for (PayloadCodec codec : all) {
			int index = codec.id() & 0xFF;
			if (this.byId[index] != null) {
				throw new IllegalArgumentException("Two payload codecs share id " + index + ": "
						+ this.byId[index].getClass().getName() + " and " + codec.getClass().getName());
			}
			this.byId[index] = codec;
		}
		this.ordered = all.toArray(PayloadCodec[]::new);
	}

	public PayloadCodec codecFor(Object payload) {
		for (PayloadCodec codec : this.ordered) {
			if (codec.canEncode(payload)) {
				return codec;
			}
		}
		throw new CodecException("No codec can encode a " + payload.getClass().getName());
	}

	/** Decodes with the codec that wrote the payload. */
	public Object decode(byte codecId, String typeName, ByteBuf bytes, Class<?> expected) {
		PayloadCodec codec = this.byId[codecId & 0xFF];
		if (codec == null) {
			throw new CodecException("unknown payload codec id " + (codecId & 0xFF));
		}
		return codec.decode(typeName, bytes, expected);
	}

}
