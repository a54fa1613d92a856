package dev.partisan.interpose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.partisan.api.Registration;
import io.netty.buffer.ByteBuf;

/**
 * A node's interposition pipeline. For every message in each direction: the
 * pre-interposition observers see it as it enters, the interposers of that direction
 * decide its fate (a drop wins over everything, the longest delay wins, the last
 * replacement payload wins; each interposer sees the original payload), and the
 * post-interposition observers see the outcome. Functions are named, and added or removed
 * at run time; the change applies from the next message. With nothing registered the
 * pipeline costs one volatile read.
 */
public final class Interposition {

	private sealed interface Entry permits Pre, Inter, Post {

	}

	private record Pre(Consumer<MessageEvent> observer) implements Entry {
	}

	private record Inter(Direction direction, Interposer interposer) implements Entry {
	}

	private record Post(BiConsumer<MessageEvent, Verdict> observer) implements Entry {
	}

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private volatile Entry[] snapshot = new Entry[0];

	/** Observes every message as it enters the pipeline, both directions. */
	public Registration beforeEach(String name, Consumer<MessageEvent> observer) {
		return add(name, new Pre(observer));
	}

	/** Decides the fate of every message in {@code direction}. */
	public Registration interpose(String name, Direction direction, Interposer interposer) {
		return add(name, new Inter(direction, interposer));
	}

	/** Observes every message with its verdict, both directions. */
	public Registration afterEach(String name, BiConsumer<MessageEvent, Verdict> observer) {
		return add(name, new Post(observer));
	}

	/** Removes the function registered under {@code name}, if any. */
	public synchronized void remove(String name) {
		if (this.entries.remove(name) != null) {
			this.snapshot = this.entries.values().toArray(Entry[]::new);
		}
	}

	public boolean isEmpty() {
		return this.snapshot.length == 0;
	}

	private synchronized Registration add(String name, Entry entry) {
		if (this.entries.putIfAbsent(name, entry) != null) {
			throw new IllegalStateException("An interposition function named '" + name + "' is already registered");
		}
		this.snapshot = this.entries.values().toArray(Entry[]::new);
		return () -> {
			synchronized (this) {
				if (this.entries.remove(name, entry)) {
					this.snapshot = this.entries.values().toArray(Entry[]::new);
				}
			}
		};
	}

	/** Runs the pipeline for one message. */
	public Verdict apply(MessageEvent event, ByteBuf payload) {
		Entry[] current = this.snapshot;
		Verdict verdict = Verdict.PASS;
		for (Entry entry : current) {
			if (entry instanceof Pre pre) {
				pre.observer.accept(event);
			}
		}
		for (Entry entry : current) {
			if (entry instanceof Inter inter && inter.direction == event.direction()) {
				verdict = verdict.and(inter.interposer.apply(event, payload));
			}
		}
		for (Entry entry : current) {
			if (entry instanceof Post post) {
				post.observer.accept(event, verdict);
			}
		}
		return verdict;
	}

}
