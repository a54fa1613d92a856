package dev.partisan.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * Arguments as {@link PartisanPeer}'s.
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

	public static void main(String[] args) throws Exception {
		String role = args[0];
		ActorSystem system = ActorSystem.create("bench", config(args[1], Integer.parseInt(args[2])));
		try {
			if (role.equals("receiver")) {
				for (int i = 0; i < RequestAckLoop.MAX_SENDERS; i++) {
					system.actorOf(Props.create(Sink.class), "sink-" + i);
				}
				Protocol.ready();
				Protocol.awaitStdinClosed();
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

	private static void send(ActorSystem system, Node receiver, List<BenchCase> cases) throws Exception {
		ActorRef[] sinks = new ActorRef[RequestAckLoop.MAX_SENDERS];
		for (int i = 0; i < sinks.length; i++) {
			sinks[i] = system
				.actorSelection("pekko://bench@" + receiver.host() + ":" + receiver.port() + "/user/sink-" + i)
				.resolveOne(Duration.ofSeconds(30))
				.toCompletableFuture()
				.get(60, TimeUnit.SECONDS);
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
