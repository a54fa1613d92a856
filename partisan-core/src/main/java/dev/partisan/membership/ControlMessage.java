package dev.partisan.membership;

/**
 * A message an overlay sends to its peer's overlay over the control channel.
 * Implementations are plain records encoded as JSON; each is registered under a type name
 * by {@link Overlay#controlMessageTypes()}, and only registered types are decoded.
 */
public interface ControlMessage {

}
