package dev.partisan.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.baggage.BaggageField;
import brave.baggage.BaggagePropagation;
import brave.baggage.BaggagePropagationConfig;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;

/**
 * Tracing as an application sets it up: Micrometer's tracer over Brave with W3C trace
 * context and baggage propagation, behind a test observation registry that also keeps
 * every observation for assertions. The nodes of a test share it (one JVM), and every
 * finished span is collected.
 */
public final class TestTracing implements AutoCloseable {

	/** The baggage field that crosses nodes. */
	public static final String BAGGAGE = "tenant";

	private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	private final Tracing tracing;

	private final Tracer tracer;

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	public TestTracing() {
		ThreadLocalCurrentTraceContext context = ThreadLocalCurrentTraceContext.newBuilder().build();
		BraveBaggageManager baggage = new BraveBaggageManager(List.of(), List.of(BAGGAGE));
		this.tracing = Tracing.newBuilder()
			.localServiceName("test")
			.currentTraceContext(context)
			.traceId128Bit(true)
			.supportsJoin(false)
			.sampler(Sampler.ALWAYS_SAMPLE)
			.propagationFactory(BaggagePropagation.newFactoryBuilder(new W3CPropagation(baggage, List.of()))
				.add(BaggagePropagationConfig.SingleBaggageField.remote(BaggageField.create(BAGGAGE)))
				.build())
			.addSpanHandler(new SpanHandler() {
				@Override
				public boolean end(TraceContext traceContext, MutableSpan span, Cause cause) {
					TestTracing.this.spans.add(span);
					return true;
				}
			})
			.build();
		this.tracer = new BraveTracer(this.tracing.tracer(), new BraveCurrentTraceContext(context), baggage);
		BravePropagator propagator = new BravePropagator(this.tracing);
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	public TestObservationRegistry registry() {
		return this.registry;
	}

	public Tracer tracer() {
		return this.tracer;
	}

	/** The spans finished so far, in the order they finished. */
	public List<MutableSpan> spans() {
		return List.copyOf(this.spans);
	}

	/** The finished spans of trace {@code traceId}, in the order they finished. */
	public List<MutableSpan> trace(String traceId) {
		return this.spans.stream().filter((span) -> traceId.equals(span.traceId())).toList();
	}

	/**
	 * The one span of trace {@code traceId} named {@code name} whose tag {@code key} is
	 * {@code value}.
	 */
	public MutableSpan span(String traceId, String name, String key, String value) {
		List<MutableSpan> found = trace(traceId).stream()
			.filter((span) -> name.equals(span.name()) && value.equals(span.tag(key)))
			.toList();
		if (found.size() != 1) {
			throw new AssertionError(
					found.size() + " spans " + name + " with " + key + "=" + value + " in " + trace(traceId));
		}
		return found.get(0);
	}

	@Override
	public void close() {
		this.tracing.close();
	}

}
