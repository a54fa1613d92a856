/**
 * Handlers as actors: each registered name has a mailbox that is drained by one worker at
 * a time, so a handler sees its messages one by one in arrival order, off the network
 * threads.
 */
@NullMarked
package dev.partisan.dispatch;

import org.jspecify.annotations.NullMarked;
