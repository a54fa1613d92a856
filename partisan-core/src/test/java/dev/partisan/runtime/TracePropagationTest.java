package dev.partisan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.pipeline.MessageConventions;
import dev.partisan.pubsub.PubSubOverlay;
import dev.partisan.pubsub.PubSubSettings;
import dev.partisan.testing.TestBroker;
import dev.partisan.testing.TestNodes;
import dev.partisan.testing.TestTracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.test.simple.SimpleSpan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trace started on one node (as a web request would start it) continues in the handler
 * on another node and back in the reply: one trace id, each span the child of the one
 * before, the baggage with it. Over direct connections, through a client-server relay and
 * through the pub-sub broker.
 */
class TracePropagationTest {

	private static final String KIND = MessageConventions.FRAME_KIND;

	private final TestTracing tracing = new TestTracing();

	private final TestNodes nodes = new TestNodes();

	/** What the handler saw of the trace while it ran, by node name. */
	private final Map<String, String> seenTrace = new ConcurrentHashMap<>();

	private final Map<String, String> seenBaggage = new ConcurrentHashMap<>();

	private CachingConnectionFactory factory;

	@AfterEach
	void stop() {
		this.nodes.close();
		if (this.factory != null) {
			this.factory.destroy();
		}
	}

	@Test
	void aCallInARequestContinuesInTheRemoteHandlerAndItsReplyAsOneTraceOfParentsAndChildren() {
		PartisanNode a = start("a", (b) -> {
		});
		PartisanNode b = start("b", (c) -> {
		});
		b.syncJoin(a.localNode()).join();

		String traceId = callInARequest(a, b.localNode().id());

		assertCallChain(traceId, "a", "b");
		TestObservationRegistryAssert.assertThat(this.tracing.registry())
			.hasObservationWithNameEqualTo(MessageConventions.CALL)
			.that()
			.hasLowCardinalityKeyValue(MessageConventions.CHANNEL, "default")
			.hasLowCardinalityKeyValue(MessageConventions.OVERLAY, "full-mesh")
			.hasLowCardinalityKeyValue(KIND, "data")
			.hasLowCardinalityKeyValue(MessageConventions.OUTCOME, "sent")
			.hasHighCardinalityKeyValue(MessageConventions.PEER, "b")
			.hasHighCardinalityKeyValue(MessageConventions.HANDLER, "echo");
		TestObservationRegistryAssert.assertThat(this.tracing.registry())
			.hasObservationWithNameEqualTo(MessageConventions.RECEIVE)
			.that()
			.hasLowCardinalityKeyValue(MessageConventions.OUTCOME, "handled");
	}

	@Test
	void aMessageRelayedThroughTheServerKeepsItsTraceFromClientToClientAndBack() {
		PartisanNode server = start("s1", (c) -> c.overlay("client-server").tag("server"));
		PartisanNode c1 = start("c1", (c) -> c.overlay("client-server").tag("client"));
		PartisanNode c2 = start("c2", (c) -> c.overlay("client-server").tag("client"));
		c1.join(server.localNode()).join();
		c2.join(server.localNode()).join();
		// c1 hears of c2 from the server a moment after the server knows it; until then
		// a call fails at once. These calls start traces of their own.
		await().atMost(TestNodes.awaitLimit())
			.ignoreExceptions()
			.until(() -> c1
				.call(c2.localNode().id(), "echo", "warm-up", String.class, ForwardOptions.defaults(),
						Duration.ofSeconds(10))
				.join() != null);
		assertThat(c1.isConnected(c2.localNode().id())).as("clients reach each other through the server only")
			.isFalse();

		String traceId = callInARequest(c1, c2.localNode().id());

		assertCallChain(traceId, "c1", "c2");
		assertThat(this.tracing.trace(traceId)).as("the server relays without a span of its own")
			.noneMatch((span) -> "s1".equals(span.getTags().get(MessageConventions.PEER)));
	}

	@Test
	void aTraceCrossesThePubSubOverlay() {
		TestBroker broker = TestBroker.get();
		this.factory = broker.connectionFactory();
		PubSubSettings settings = PubSubSettings.defaults()
			.withExchangePrefix("partisan-trace-" + UUID.randomUUID().toString().substring(0, 8));
		PartisanNode a = start("a", (c) -> c.overlay(PubSubOverlay.factory(this.factory, settings)));
		PartisanNode b = start("b", (c) -> c.overlay(PubSubOverlay.factory(this.factory, settings)));
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(a.members()).extracting(Node::name).contains("b"));

		String traceId = callInARequest(a, b.localNode().id());

		assertCallChain(traceId, "a", "b");
		assertThat(this.tracing.span(traceId, "call echo", KIND, "data").getTags().get(MessageConventions.OVERLAY))
			.isEqualTo("pubsub");
	}

	@Test
	void aForwardFromAHandlerCarriesTheTraceOnToAThirdNode() {
		PartisanNode a = start("a", (c) -> {
		});
		PartisanNode b = start("b", (c) -> {
		});
		PartisanNode c = start("c", (d) -> {
		});
		b.syncJoin(a.localNode()).join();
		c.syncJoin(a.localNode()).join();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(b.members()).extracting(Node::name).contains("c"));
		b.register("relay", String.class, (text, meta) -> b.forward(c.localNode().id(), "echo", text));

		Observation request = Observation.start("http.request", this.tracing.registry());
		String traceId;
		try (Observation.Scope scope = request.openScope();
				BaggageInScope baggage = this.tracing.tracer().createBaggageInScope(TestTracing.BAGGAGE, "acme")) {
			traceId = this.tracing.tracer().currentSpan().context().traceId();
			a.forward(b.localNode().id(), "relay", "hop");
		}
		request.stop();

		await().atMost(TestNodes.awaitLimit()).until(() -> this.seenTrace.containsKey("c"));
		assertThat(this.seenTrace).containsEntry("c", traceId);
		assertThat(this.seenBaggage).containsEntry("c", "acme");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.tracing.trace(traceId)).hasSize(5));
		SimpleSpan sendToB = this.tracing.span(traceId, "send relay", MessageConventions.PEER, "b");
		SimpleSpan onB = this.tracing.span(traceId, "receive relay", MessageConventions.PEER, "a");
		SimpleSpan sendToC = this.tracing.span(traceId, "send echo", MessageConventions.PEER, "c");
		SimpleSpan onC = this.tracing.span(traceId, "receive echo", MessageConventions.PEER, "b");
		assertThat(onB.getParentId()).isEqualTo(sendToB.getSpanId());
		assertThat(sendToC.getParentId()).as("the handler's forward is a child of its receive")
			.isEqualTo(onB.getSpanId());
		assertThat(onC.getParentId()).isEqualTo(sendToC.getSpanId());
		assertThat(onB.getKind()).isEqualTo(Span.Kind.CONSUMER);
		assertThat(sendToB.getKind()).isEqualTo(Span.Kind.PRODUCER);
	}

	/**
	 * Calls {@code echo} on {@code target} from inside a request's observation that
	 * carries baggage, as a web request on {@code caller} would; returns the trace id.
	 */
	private String callInARequest(PartisanNode caller, NodeId target) {
		Observation request = Observation.start("http.request", this.tracing.registry());
		String traceId;
		try (Observation.Scope scope = request.openScope();
				BaggageInScope baggage = this.tracing.tracer().createBaggageInScope(TestTracing.BAGGAGE, "acme")) {
			Span current = this.tracing.tracer().currentSpan();
			assertThat(current).isNotNull();
			traceId = current.context().traceId();
			String reply = caller
				.call(target, "echo", "ping", String.class, ForwardOptions.defaults(), Duration.ofSeconds(10))
				.join();
			assertThat(reply).isEqualTo(target.name() + " echoes ping");
		}
		request.stop();
		return traceId;
	}

	/**
	 * The spans of one call from {@code caller} to {@code callee}'s {@code echo}: the
	 * request, the call, the handler's receive, its reply and the reply's receive, each
	 * the child of the one before; the handler saw the trace and the baggage.
	 */
	private void assertCallChain(String traceId, String caller, String callee) {
		assertThat(this.seenTrace).containsEntry(callee, traceId);
		assertThat(this.seenBaggage).containsEntry(callee, "acme");
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(this.tracing.trace(traceId)).hasSize(5));
		SimpleSpan request = this.tracing.trace(traceId)
			.stream()
			.filter((span) -> "http.request".equals(span.getName()))
			.findFirst()
			.orElseThrow();
		SimpleSpan call = this.tracing.span(traceId, "call echo", KIND, "data");
		SimpleSpan handler = this.tracing.span(traceId, "receive echo", KIND, "data");
		SimpleSpan reply = this.tracing.span(traceId, "send echo", KIND, "reply");
		SimpleSpan replied = this.tracing.span(traceId, "receive echo", KIND, "reply");

		assertThat(call.getParentId()).isEqualTo(request.getSpanId());
		assertThat(handler.getParentId()).isEqualTo(call.getSpanId());
		assertThat(reply.getParentId()).isEqualTo(handler.getSpanId());
		assertThat(replied.getParentId()).isEqualTo(reply.getSpanId());
		assertThat(List.of(call.getKind(), handler.getKind(), reply.getKind(), replied.getKind()))
			.containsExactly(Span.Kind.CLIENT, Span.Kind.SERVER, Span.Kind.PRODUCER, Span.Kind.CONSUMER);
		assertThat(call.getTags().get(MessageConventions.PEER)).isEqualTo(callee);
		assertThat(handler.getTags().get(MessageConventions.PEER)).isEqualTo(caller);
		assertThat(replied.getTags().get(MessageConventions.PEER)).isEqualTo(callee);
		// Parents start before their children, across the two nodes' clocks (one JVM).
		assertThat(call.getStartTimestamp()).isBeforeOrEqualTo(handler.getStartTimestamp());
		assertThat(handler.getStartTimestamp()).isBeforeOrEqualTo(reply.getStartTimestamp());
		assertThat(reply.getStartTimestamp()).isBeforeOrEqualTo(replied.getStartTimestamp());
	}

	private PartisanNode start(String name, java.util.function.Consumer<PartisanConfig.Builder> customizer) {
		PartisanNode node = this.nodes.start(name, (b) -> {
			b.observationRegistry(this.tracing.registry());
			customizer.accept(b);
		});
		node.registerRequestHandler("echo", String.class, (text, meta) -> {
			Span current = this.tracing.tracer().currentSpan();
			if (current != null) {
				this.seenTrace.put(name, current.context().traceId());
			}
			String value = this.tracing.baggage(TestTracing.BAGGAGE);
			if (value != null) {
				this.seenBaggage.put(name, value);
			}
			return name + " echoes " + text;
		});
		return node;
	}

}
