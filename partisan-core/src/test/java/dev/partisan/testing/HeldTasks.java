package dev.partisan.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose delayed tasks wait for the test:
 * {@link #schedule(Runnable, long, TimeUnit)} only records the task and its delay, and
 * {@link #runHeld()} runs what was recorded. A delay becomes a step of the test instead
 * of a wait, so what happens "later" is checked by order, not by the clock.
 */
public final class HeldTasks extends ScheduledThreadPoolExecutor {

	/** A task held back and the delay it was scheduled with. */
	public record Held(Runnable task, long delayNanos) {
	}

	private final List<Held> held = new ArrayList<>();

	public HeldTasks() {
		super(1, (task) -> {
			Thread thread = new Thread(task, "held-tasks");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
		synchronized (this.held) {
			this.held.add(new Held(task, unit.toNanos(delay)));
		}
		// The caller gets a real future, of a task that does nothing: the held one runs
		// when the test says.
		return super.schedule(() -> {
		}, 0, TimeUnit.NANOSECONDS);
	}

	/** The tasks held back and not run yet, in the order they were scheduled. */
	public List<Held> held() {
		synchronized (this.held) {
			return List.copyOf(this.held);
		}
	}

	/** Runs every held task on the calling thread, in the order they were scheduled. */
	public void runHeld() {
		List<Held> due;
		synchronized (this.held) {
			due = List.copyOf(this.held);
			this.held.clear();
		}
		due.forEach((entry) -> entry.task().run());
	}

}
