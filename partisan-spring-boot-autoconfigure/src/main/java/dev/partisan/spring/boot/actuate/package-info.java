/**
 * Actuator support: the {@code partisan} and {@code partisanchannels} endpoints, the
 * {@code partisan} health indicator and the {@code partisan.*} meters, each only when
 * actuator (or Micrometer) is present.
 */
@NullMarked
package dev.partisan.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
