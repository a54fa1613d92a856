/**
 * The node's settings, one immutable group per concern:
 * {@link dev.partisan.config.NodeOptions identity},
 * {@link dev.partisan.config.TransportOptions transport},
 * {@link dev.partisan.config.DeliveryOptions delivery} and
 * {@link dev.partisan.config.FailureDetectionOptions failure detection}; the peer-to-peer
 * and pub-sub overlays keep theirs next to their code ({@code HyParViewOverlay.Settings},
 * {@code PubSubSettings}). Each setting is declared once, as a component of its group:
 * its default is in the group's {@code DEFAULTS} and its check in the group's
 * constructor, which raises a structured
 * {@link dev.partisan.api.InvalidSettingException}. Groups are marked
 * {@link dev.partisan.config.SettingGroup} so that front ends (Spring Boot) can verify by
 * reflection that they expose the same names and defaults.
 *
 * <p>
 * This package depends on {@code dev.partisan.api} only, so the transport and the
 * overlays can take their settings from it without depending on the runtime.
 */
@NullMarked
package dev.partisan.config;

import org.jspecify.annotations.NullMarked;
