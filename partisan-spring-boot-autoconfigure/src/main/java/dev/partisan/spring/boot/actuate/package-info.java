/**
 * Actuator support: the {@code partisan} and {@code partisanchannels} endpoints, the
 * {@code partisan} health indicator and the {@code partisan.*} meters, each only when
 * actuator (or Micrometer) is present; and the opt-in live cluster page,
 * {@code partisandashboard}, drawn in the browser from the two endpoints.
 */
@NullMarked
package dev.partisan.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
