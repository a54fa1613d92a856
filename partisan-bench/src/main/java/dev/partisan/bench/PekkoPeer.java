package dev.partisan.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.partisan.api.Node;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;

/**
 * The same request/acknowledgement workload over Apache Pekko remoting (Artery, TCP
 * transport): the receiver runs one actor per sender ({@code /user/sink-i}) that answers
 * each message with its 8-byte header; each sender asks its actor and waits. Configured
 * as Pekko's documentation recommends for large messages: the sinks are large-message
 * destinations (their own stream, so small control traffic is not stuck behind them),
 * frames up to 16 MiB, four outbound and inbound lanes, Java serialization off.
 *
 * <p>
 * For the timed families ({@link Driven}) the receiver also runs {@code /user/stream-i},
 * which counts what it is told and tells the sender its count every
 * {@link Driven#REPORT_EVERY} messages, and {@code /user/echo}, which answers with what
 * it got; both are ordinary destinations (the ordinary-message lanes, not the
 * large-message stream). Ping-pong uses {@code ask}, Pekko's request/reply, or a
 * {@code tell} whose reply is told back.
 *
 * <p>
 * Arguments as {@link PartisanPeer}'s, the driven role included.
 */
public final class PekkoPeer {

	private PekkoPeer() {
	}

	/** Answers every payload with its header. */
	static final class Sink extends AbstractActor {

		@Override
		public Receive createReceive() {
			return receiveBuilder()
				.match(byte[].class, (payload) -> getSender().tell(RequestAckLoop.header(payload), getSelf()))
				.build();
		}

	}

	/**
	 * Counts what it is told and tells the sender the count every
	 * {@link Driven#REPORT_EVERY} messages.
	 */
	static final class Stream extends AbstractActor {

		private long count;

		@Override
		public Receive createReceive() {
			return receiveBuilder().match(byte[].class, (payload) -> {
				if (++this.count % Driven.REPORT_EVERY == 0) {
					getSender().tell(ByteBuffer.allocate(8).putLong(this.count).array(), getSelf());
				}
			}).build();
		}

	}

	/** Answers every payload with itself. */
	static final class Echo extends AbstractActor {

		@Override
		public Receive createReceive() {
			return receiveBuilder().match(byte[].class, (payload) -> getSender().tell(payload, getSelf())).build();
		}

	}

	/** Hands each reply it gets to the thread waiting for it, on the sender's side. */
	static final class Pong extends AbstractActor {

		private final BlockingQueue<byte[]> replies;

		Pong(BlockingQueue<byte[]> replies) {
			this.replies = replies;
		}

		@Override
		public Receive createReceive() {
			return receiveBuilder().match(byte[].class, this.replies::offer).build();
		}

	}

	/** Keeps the latest count a stream reported, on the sender's side. */
	static final class Progress extends AbstractActor {

		private final AtomicLongArray reported;

		private final int index;

		Progress(AtomicLongArray reported, int index) {
			this.reported = reported;
			this.index = index;
		}

		@Override
		public Receive createReceive() {
			return receiveBuilder()
				.match(byte[].class,
						(count) -> this.reported.accumulateAndGet(this.index, ByteBuffer.wrap(count).getLong(),
								Math::max))
				.build();
		}

	}

	public static void main(String[] args) throws Exception {
		String role = args[0];
		ActorSystem system = ActorSystem.create("bench", config(args[1], Integer.parseInt(args[2])));
		try {
			if (role.equals("receiver")) {
				for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
					system.actorOf(Props.create(Sink.class), "sink-" + i);
				}
				for (int i = 0; i < Driven.MAX_ONE_WAY_SENDERS; i++) {
					system.actorOf(Props.create(Stream.class), "stream-" + i);
				}
				system.actorOf(Props.create(Echo.class), "echo");
				Protocol.ready();
				Protocol.awaitStdinClosed();
			}
			else if (role.equals("driven")) {
				drive(system, Node.parse(args[3]), Long.parseLong(args[4]));
			}
			else {
				send(system, Node.parse(args[3]), Protocol.readCases(args[4]));
			}
		}
		finally {
			system.terminate();
			system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
		}
	}

	static Config config(String host, int port) {
		List<String> destinations = new ArrayList<>();
		for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
			destinations.add("\"/user/sink-" + i + "\"");
		}
		return ConfigFactory.parseString("""
				pekko {
				  loglevel = WARNING
				  stdout-loglevel = WARNING
				  actor {
				    provider = remote
				    allow-java-serialization = off
				  }
				  remote.artery {
				    transport = tcp
				    canonical.hostname = "%s"
				    canonical.port = %d
				    large-message-destinations = [%s]
				    advanced {
				      maximum-frame-size = 16MiB
				      maximum-large-frame-size = 16MiB
				      outbound-lanes = 4
				      inbound-lanes = 4
				      outbound-message-queue-size = 100000
				      large-buffer-pool-size = 64
				    }
				  }
				}
				""".formatted(host, port, String.join(",", destinations))).withFallback(ConfigFactory.load());
	}

	private static ActorRef resolve(ActorSystem system, Node receiver, String name) throws Exception {
		return system.actorSelection("pekko://bench@" + receiver.host() + ":" + receiver.port() + "/user/" + name)
			.resolveOne(Duration.ofSeconds(30))
			.toCompletableFuture()
			.get(60, TimeUnit.SECONDS);
	}

	/**
	 * The driven sender: request/acknowledgement as the micro family's {@code pekko}
	 * configuration, one-way by {@code tell} to {@code stream-i} with a progress actor
	 * per sender as the sender of each message, ping-pong to {@code echo} by {@code ask}
	 * or by {@code tell} with the reply told to a {@link Pong}.
	 */
	private static void drive(ActorSystem system, Node receiver, long receiverPid) throws Exception {
		ActorRef[] sinks = new ActorRef[RequestAckLoop.MAX_SENDERS];
		for (int i = 0; i < sinks.length; i++) {
			sinks[i] = resolve(system, receiver, "sink-" + i);
		}
		ActorRef[] streams = new ActorRef[Driven.MAX_ONE_WAY_SENDERS];
		ActorRef[] progress = new ActorRef[Driven.MAX_ONE_WAY_SENDERS];
		AtomicLongArray reported = new AtomicLongArray(Driven.MAX_ONE_WAY_SENDERS);
		for (int i = 0; i < streams.length; i++) {
			streams[i] = resolve(system, receiver, "stream-" + i);
			int index = i;
			progress[i] = system.actorOf(Props.create(Progress.class, () -> new Progress(reported, index)),
					"progress-" + i);
		}
		ActorRef echo = resolve(system, receiver, "echo");
		BlockingQueue<byte[]> pongs = new ArrayBlockingQueue<>(1);
		ActorRef pong = system.actorOf(Props.create(Pong.class, () -> new Pong(pongs)), "pong");
		Duration timeout = Duration.ofSeconds(RequestAckLoop.ACK_TIMEOUT_SECONDS);
		// Artery opens its streams to a node with the first message: open them now, and
		// see every stream report once, so that no case's lead-in waits for a handshake.
		Patterns.ask(echo, new byte[8], timeout).toCompletableFuture().get(60, TimeUnit.SECONDS);
		for (int i = 0; i < streams.length; i++) {
			for (int m = 0; m < Driven.REPORT_EVERY; m++) {
				streams[i].tell(new byte[8], progress[i]);
			}
		}
		long deadline = System.nanoTime() + Driven.STALL_NANOS;
		for (int i = 0; i < streams.length; i++) {
			while (reported.get(i) < Driven.REPORT_EVERY) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("stream-" + i + " did not report within 60 s");
				}
				Thread.sleep(1);
			}
		}
		Driven.serve(receiverPid, new RequestAckLoop(), new Driven.Driver() {

			@Override
			public Driven.RequestAck requestAck(Driven.Task task, RequestAckLoop loop) {
				return (sender, payload) -> Patterns.ask(sinks[sender], payload, timeout)
					.thenAccept((reply) -> loop.ack((byte[]) reply));
			}

			@Override
			public Driven.OneWay oneWay(Driven.Task task) {
				return new Driven.OneWay() {

					@Override
					public void send(int sender, byte[] payload) {
						streams[sender].tell(payload, progress[sender]);
					}

					@Override
					public long handled(int sender) {
						return reported.get(sender);
					}

				};
			}

			@Override
			public Driven.RoundTrip roundTrip(Driven.Task task) {
				if (task.config().equals("pekko-ask")) {
					return (payload) -> Patterns.ask(echo, payload, timeout)
						.toCompletableFuture()
						.get(RequestAckLoop.ACK_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
				}
				pongs.clear();
				return (payload) -> {
					echo.tell(payload, pong);
					if (pongs.poll(RequestAckLoop.ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS) == null) {
						throw new IllegalStateException("no reply within " + RequestAckLoop.ACK_TIMEOUT_SECONDS + " s");
					}
				};
			}

		});
	}

	private static void send(ActorSystem system, Node receiver, List<BenchCase> cases) throws Exception {
		ActorRef[] sinks = new ActorRef[RequestAckLoop.MAX_SENDERS];
		for (int i = 0; i < sinks.length; i++) {
			sinks[i] = resolve(system, receiver, "sink-" + i);
		}
		RequestAckLoop loop = new RequestAckLoop();
		Duration timeout = Duration.ofSeconds(RequestAckLoop.ACK_TIMEOUT_SECONDS);
		RequestAckLoop.Sender transport = (sender, payload) -> Patterns.ask(sinks[sender], payload, timeout)
			.thenAccept((reply) -> loop.ack((byte[]) reply));
		int warmup = Integer.getInteger("bench.warmup", 0);
		if (warmup > 0) {
			loop.run(4, warmup, 256 * 1024, transport);
		}
		for (BenchCase c : cases) {
			Protocol.progress(c);
			Protocol.result(RequestAckLoop.toResult(c, loop.run(c.senders(), c.messages(), c.size(), transport)));
		}
	}

}
