package dev.partisan.interpose;

import io.netty.buffer.ByteBuf;

/**
 * An interposition function. It may read or rewrite {@code payload} in place (e.g. flip a
 * bit) and returns what should happen to the message. Called on network and sender
 * threads: keep it short.
 */
@FunctionalInterface
public interface Interposer {

	Verdict apply(MessageEvent event, ByteBuf payload);

}
