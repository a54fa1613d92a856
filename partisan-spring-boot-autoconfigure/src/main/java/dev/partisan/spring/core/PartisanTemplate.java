package dev.partisan.spring.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.DownReason;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.api.Registration;
import dev.partisan.spring.handler.PartisanHandlerRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Sends to handlers on other nodes with sensible defaults, in the style of
 * {@code RabbitTemplate}: a handler declared here with {@code @PartisanChannel} is sent
 * to on its channel; calls wait the configured {@code partisan.call-timeout}.
 */
public class PartisanTemplate {

	private final Partisan partisan;

	private final PartisanHandlerRegistry handlers;

	private final Duration callTimeout;

	public PartisanTemplate(Partisan partisan, PartisanHandlerRegistry handlers, Duration callTimeout) {
		this.partisan = partisan;
		this.handlers = handlers;
		this.callTimeout = callTimeout;
	}

	/**
	 * Sends {@code payload} to {@code handler} on {@code node}, on the handler's channel.
	 */
	public void send(String node, String handler, Object payload) {
		this.partisan.forward(NodeId.of(node), handler, payload, optionsFor(handler));
	}

	/** Sends with explicit options (channel, partition key, sender). */
	public void send(String node, String handler, Object payload, ForwardOptions options) {
		this.partisan.forward(NodeId.of(node), handler, payload, options);
	}

	/** Calls {@code handler} on {@code node} and completes with its return value. */
	public <R> CompletableFuture<R> call(String node, String handler, Object payload, Class<R> replyType) {
		return this.partisan.call(NodeId.of(node), handler, payload, replyType, optionsFor(handler), this.callTimeout);
	}

	public <R> CompletableFuture<R> call(String node, String handler, Object payload, Class<R> replyType,
			ForwardOptions options, Duration timeout) {
		return this.partisan.call(NodeId.of(node), handler, payload, replyType, options, timeout);
	}

	public <R> Mono<R> callMono(String node, String handler, Object payload, Class<R> replyType) {
		return this.partisan.callMono(NodeId.of(node), handler, payload, replyType, optionsFor(handler),
				this.callTimeout);
	}

	/**
	 * Calls and waits for the reply (at most the call timeout). For code that is blocking
	 * anyway; never from a handler of the same node's event loop.
	 * @throws CallTimeoutException when no reply comes in time
	 * @throws PartisanException for the other failures of {@link #call}
	 */
	public <R> @Nullable R callAndWait(String node, String handler, Object payload, Class<R> replyType) {
		CompletableFuture<R> reply = call(node, handler, payload, replyType);
		try {
			return reply.get(this.callTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof PartisanException partisanException) ? partisanException
					: new PartisanException("Call to '" + handler + "' on '" + node + "' failed", cause);
		}
		catch (TimeoutException ex) {
			throw new CallTimeoutException(NodeId.of(node), handler, this.callTimeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PartisanException("Interrupted while calling '" + handler + "' on '" + node + "'", ex);
		}
	}

	/**
	 * The options a send to {@code handler} uses by default: its declared channel, else
	 * the default one.
	 */
	public ForwardOptions optionsFor(String handler) {
		String channel = this.handlers.channelOf(handler);
		return (channel != null) ? ForwardOptions.channel(channel) : ForwardOptions.defaults();
	}

	/**
	 * Watches {@code node}: {@code onDown} runs once when it is detected down or leaves,
	 * whether or not it is a direct neighbour (see {@link Partisan#watch}). For every
	 * member's ups and downs, listen for {@link PartisanMembershipEvent} instead.
	 */
	public Registration watch(String node, Consumer<DownReason> onDown) {
		return this.partisan.watch(NodeId.of(node), onDown);
	}

	public Partisan getPartisan() {
		return this.partisan;
	}

}
