/**
 * Auto-configuration of a Partisan node from {@code partisan.*} properties: the runtime
 * bean and its lifecycle, {@code @PartisanChannel} handlers, the template, membership
 * events, DNS seed discovery and failure analysis of bad configuration.
 */
@NullMarked
package dev.partisan.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
