package dev.partisan.testing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.jspecify.annotations.Nullable;

/**
 * Tracing as an application sets it up, for tests: Micrometer's test tracer
 * ({@link SimpleTracer}) behind a test observation registry, with the sender and receiver
 * tracing handlers, so that every observation is kept for assertions and becomes a span.
 * The nodes of a test share it (one JVM).
 *
 * <p>
 * The test tracer has no propagator, and no tracer bridge resolves here, so this class
 * brings a small one in the W3C formats: {@code traceparent} ({@code 00-trace-span-01})
 * and {@code baggage} ({@code key=value,...}). Extracted baggage is kept per remote
 * parent, and {@link #baggage} finds it for the span current on the calling thread.
 */
public final class TestTracing {

	/** The baggage field a test sends across nodes. */
	public static final String BAGGAGE = "tenant";

	private final SimpleTracer tracer = new SimpleTracer();

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	/** Baggage extracted from a frame, by the span id of the remote parent. */
	private final Map<String, Map<String, String>> remoteBaggage = new ConcurrentHashMap<>();

	public TestTracing() {
		Propagator propagator = new W3C();
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	public TestObservationRegistry registry() {
		return this.registry;
	}

	public SimpleTracer tracer() {
		return this.tracer;
	}

	/**
	 * The baggage {@code name} of the span current on this thread: set here, or extracted
	 * with its remote parent (a frame's trace context).
	 */
	public @Nullable String baggage(String name) {
		Span current = this.tracer.currentSpan();
		if (current == null) {
			return null;
		}
		String local = this.tracer.getAllBaggage().get(name);
		if (local != null) {
			return local;
		}
		return inherited(current.context()).get(name);
	}

	/**
	 * The baggage that came with a remote ancestor of {@code context}: the nearest one
	 * found going up its parents, a bounded number of them.
	 */
	private Map<String, String> inherited(TraceContext context) {
		String parent = context.parentId();
		for (int depth = 0; parent != null && depth < 16; depth++) {
			Map<String, String> remote = this.remoteBaggage.get(parent);
			if (remote != null) {
				return remote;
			}
			String id = parent;
			parent = this.tracer.getSpans()
				.stream()
				.filter((span) -> id.equals(span.getSpanId()))
				.map(SimpleSpan::getParentId)
				.findFirst()
				.orElse(null);
		}
		return Map.of();
	}

	/** The finished spans of trace {@code traceId}. */
	public List<SimpleSpan> trace(String traceId) {
		return this.tracer.getSpans()
			.stream()
			.filter((span) -> traceId.equals(span.getTraceId()) && ended(span))
			.toList();
	}

	/**
	 * The one finished span of trace {@code traceId} named {@code name} whose tag
	 * {@code key} is {@code value}.
	 */
	public SimpleSpan span(String traceId, String name, String key, String value) {
		List<SimpleSpan> found = trace(traceId).stream()
			.filter((span) -> name.equals(span.getName()) && value.equals(span.getTags().get(key)))
			.toList();
		if (found.size() != 1) {
			throw new AssertionError(
					found.size() + " spans " + name + " with " + key + "=" + value + " in " + trace(traceId));
		}
		return found.get(0);
	}

	private static boolean ended(SimpleSpan span) {
		Instant end = span.getEndTimestamp();
		return end != null && end.isAfter(Instant.EPOCH);
	}

	/**
	 * W3C trace context and baggage, written and read as the test tracer understands
	 * them.
	 */
	private final class W3C implements Propagator {

		@Override
		public List<String> fields() {
			return List.of("traceparent", "baggage");
		}

		@Override
		public <C> void inject(TraceContext context, @Nullable C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
			Map<String, String> baggage = new LinkedHashMap<>(inherited(context));
			baggage.putAll(TestTracing.this.tracer.getAllBaggage());
			baggage.putAll(TestTracing.this.tracer.getAllBaggage(context));
			if (!baggage.isEmpty()) {
				StringBuilder value = new StringBuilder();
				baggage
					.forEach((k, v) -> value.append((value.length() > 0) ? "," : "").append(k).append('=').append(v));
				setter.set(carrier, "baggage", value.toString());
			}
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String traceparent = getter.get(carrier, "traceparent");
			String[] parts = (traceparent != null) ? traceparent.split("-") : new String[0];
			if (parts.length != 4) {
				return TestTracing.this.tracer.spanBuilder();
			}
			TraceContext parent = TestTracing.this.tracer.traceContextBuilder()
				.traceId(parts[1])
				.spanId(parts[2])
				.sampled(true)
				.build();
			String baggage = getter.get(carrier, "baggage");
			if (baggage != null) {
				Map<String, String> fields = new LinkedHashMap<>();
				for (String field : baggage.split(",")) {
					String[] pair = field.split("=", 2);
					if (pair.length == 2) {
						fields.put(pair[0].trim(), pair[1].trim());
					}
				}
				TestTracing.this.remoteBaggage.put(parts[2], fields);
			}
			return TestTracing.this.tracer.spanBuilder().setParent(parent);
		}

	}

}
