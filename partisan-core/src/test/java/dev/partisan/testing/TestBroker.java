package dev.partisan.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The AMQP broker the pub-sub tests run against, chosen once per JVM: RabbitMQ at
 * 127.0.0.1:5672 when it answers (the project's machines and CI), else an embedded Qpid
 * Broker-J started here, so the test command still passes on a machine without RabbitMQ.
 * Never a mock. {@code PARTISAN_TEST_BROKER=embedded} forces the embedded broker;
 * {@code =rabbitmq} forbids it (the run fails if RabbitMQ is absent). The choice is
 * printed.
 */
public final class TestBroker {

	private static final String RABBIT_HOST = "127.0.0.1";

	private static final int RABBIT_PORT = 5672;

	private static TestBroker instance;

	private final String description;

	private final int port;

	private final EmbeddedAmqpBroker embedded;

	private TestBroker(String description, int port, EmbeddedAmqpBroker embedded) {
		this.description = description;
		this.port = port;
		this.embedded = embedded;
	}

	/** The broker for this JVM, started on first use. */
	public static synchronized TestBroker get() {
		if (instance == null) {
			instance = choose();
			System.out.println("[partisan] pub-sub tests use " + instance.description);
		}
		return instance;
	}

	private static TestBroker choose() {
		String wanted = System.getenv().getOrDefault("PARTISAN_TEST_BROKER", "auto");
		boolean rabbitUp = !"embedded".equals(wanted) && answers(RABBIT_HOST, RABBIT_PORT);
		if (rabbitUp) {
			return new TestBroker("RabbitMQ at " + RABBIT_HOST + ":" + RABBIT_PORT, RABBIT_PORT, null);
		}
		if ("rabbitmq".equals(wanted)) {
			throw new IllegalStateException(
					"PARTISAN_TEST_BROKER=rabbitmq but nothing answers at " + RABBIT_HOST + ":" + RABBIT_PORT);
		}
		EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(FreePorts.next());
		Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
		return new TestBroker("an embedded Qpid Broker-J (AMQP 0-9-1) on 127.0.0.1:" + broker.port()
				+ (answers(RABBIT_HOST, RABBIT_PORT) ? " (forced by PARTISAN_TEST_BROKER)"
						: " (no RabbitMQ at " + RABBIT_HOST + ":" + RABBIT_PORT + ")"),
				broker.port(), broker);
	}

	private static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public String host() {
		return RABBIT_HOST;
	}

	public int port() {
		return this.port;
	}

	public boolean isEmbedded() {
		return this.embedded != null;
	}

	public String description() {
		return this.description;
	}

	/**
	 * A connection factory for the broker itself (guest/guest), or for a proxy in front
	 * of it.
	 */
	public CachingConnectionFactory connectionFactory(int port) {
		CachingConnectionFactory factory = new CachingConnectionFactory(RABBIT_HOST, port);
		factory.setUsername("guest");
		factory.setPassword("guest");
		factory.setVirtualHost("/");
		factory.setConnectionTimeout(2000);
		factory.setRequestedHeartBeat(5);
		factory.setChannelCacheSize(32);
		return factory;
	}

	public CachingConnectionFactory connectionFactory() {
		return connectionFactory(this.port);
	}

}
