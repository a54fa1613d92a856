package dev.partisan.demo.kv.kv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Waits for {@code needed} of several replies: completes with the first {@code needed} as
 * soon as they are in (without waiting for the rest), or fails with
 * {@link QuorumNotReachedException} as soon as so many have failed that the rest cannot
 * make up the quorum.
 *
 * @param <T> the reply type
 */
public final class Quorum<T> {

	/** A reply and the replica that sent it. */
	public record Answer<T>(Replica replica, T reply) {
	}

	private final int needed;

	private final int total;

	private final List<Answer<T>> answers = new ArrayList<>();

	private final Map<Replica, String> failures = new LinkedHashMap<>();

	private final CompletableFuture<List<Answer<T>>> result = new CompletableFuture<>();

	private Quorum(int needed, int total) {
		this.needed = needed;
		this.total = total;
	}

	/** The quorum over {@code requests}, each the pending reply of one replica. */
	public static <T> CompletableFuture<List<Answer<T>>> of(int needed, Map<Replica, CompletableFuture<T>> requests) {
		Quorum<T> quorum = new Quorum<>(needed, requests.size());
		requests.forEach((replica, reply) -> reply.whenComplete((value, error) -> {
			if (error == null) {
				quorum.succeeded(replica, value);
			}
			else {
				quorum.failed(replica, error);
			}
		}));
		if (requests.size() < needed) {
			quorum.result.completeExceptionally(new QuorumNotReachedException(needed, List.of(), Map.of()));
		}
		return quorum.result;
	}

	private synchronized void succeeded(Replica replica, T reply) {
		if (this.answers.size() < this.needed) {
			this.answers.add(new Answer<>(replica, reply));
			if (this.answers.size() == this.needed) {
				this.result.complete(List.copyOf(this.answers));
			}
		}
	}

	private synchronized void failed(Replica replica, Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		this.failures.put(replica, cause.getClass().getSimpleName() + ": " + cause.getMessage());
		if (this.total - this.failures.size() < this.needed && !this.result.isDone()) {
			List<Replica> answered = this.answers.stream().map(Answer::replica).toList();
			this.result.completeExceptionally(new QuorumNotReachedException(this.needed, answered, this.failures));
		}
	}

}
