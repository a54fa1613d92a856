/**
 * The HTTP API over this node's replica.
 */
@NullMarked
package dev.partisan.demo.lasp.web;

import org.jspecify.annotations.NullMarked;
