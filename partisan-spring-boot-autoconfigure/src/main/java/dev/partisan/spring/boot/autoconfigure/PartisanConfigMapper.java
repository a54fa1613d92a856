package dev.partisan.spring.boot.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.runtime.Overlays;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.transport.ChannelSpec;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link PartisanProperties} into a {@link PartisanConfig}, checking each value so that a bad one
 * fails start-up naming its property, the value and what is allowed.
 */
final class PartisanConfigMapper {

	/** The pub-sub overlay's name; its factory is a bean of {@link PartisanPubSubAutoConfiguration}. */
	static final String PUBSUB = "pubsub";

	private PartisanConfigMapper() {
	}

	static PartisanConfig.Builder toBuilder(PartisanProperties p, @Nullable String applicationName,
			Map<String, OverlayFactory> overlayBeans) {
		PartisanConfig.Builder b = PartisanConfig.builder(nodeName(p, applicationName));
		b.host(p.getNode().getHost());
		int port = p.getNode().getPort();
		if (port < 0 || port > 65535) {
			throw new InvalidPartisanPropertyException("partisan.node.port", port, "a port from 0 to 65535 (0 picks a free one)");
		}
		b.port(port).tag(p.getNode().getTag());
		b.overlay(overlay(p.getOverlay(), overlayBeans));
		List<String> seeds = p.getSeeds();
		for (int i = 0; i < seeds.size(); i++) {
			try {
				b.seed(Node.parse(seeds.get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPartisanPropertyException("partisan.seeds[" + i + "]", seeds.get(i),
						"a node address name@host:port, e.g. n2@127.0.0.1:10101");
			}
		}
		if (p.getParallelism() < 1) {
			throw new InvalidPartisanPropertyException("partisan.parallelism", p.getParallelism(),
					"a number of lanes of at least 1");
		}
		b.parallelism(p.getParallelism()).affinity(p.isAffinity());
		p.getChannels().forEach((name, channel) -> {
			int lanes = (channel.getParallelism() != null) ? channel.getParallelism() : p.getParallelism();
			if (lanes < 1) {
				throw new InvalidPartisanPropertyException("partisan.channels." + name + ".parallelism", lanes,
						"a number of lanes of at least 1");
			}
			if (name.equals(ChannelSpec.CONTROL) || name.equals(ChannelSpec.IDENTIFY) || name.isBlank()) {
				throw new InvalidPartisanPropertyException("partisan.channels", name,
						"a channel name other than the internal '" + ChannelSpec.CONTROL + "' and '" + ChannelSpec.IDENTIFY + "'");
			}
			b.channel(new dev.partisan.transport.ChannelSpec(name, lanes, channel.isCompression(), channel.isAck(),
					channel.isMonotonic(), channel.getPlacement()));
		});
		b.heartbeatInterval(p.getHeartbeatInterval())
			.failureTimeout(p.getFailureTimeout())
			.gossipInterval(p.getGossipInterval())
			.joinTimeout(p.getJoinTimeout())
			.maxFrameSize(intBytes("partisan.max-frame-size", p.getMaxFrameSize().toBytes()))
			.compressionThreshold(intBytes("partisan.compression-threshold", p.getCompressionThreshold().toBytes()))
			.connectTimeout(p.getConnectTimeout())
			.reconnectBackoff(p.getReconnectMin(), p.getReconnectMax())
			.connectionRefresh(p.getConnectionRefreshInterval(), p.getConnectionsPerRefresh())
			.maxQueued(p.getMaxQueuedMessages(), p.getMaxQueuedBytes().toBytes())
			.mailboxCapacity(p.getMailboxCapacity())
			.clusterSecret(p.getClusterSecret())
			.retransmitInterval(p.getRetransmitInterval())
			.maxOutstandingAcks(p.getMaxOutstandingAcks())
			.dedupWindow(p.getDedupWindow())
			.monotonicWindow(p.getMonotonicWindow());
		PartisanProperties.HyParView h = p.getHyparview();
		try {
			b.hyParView(new dev.partisan.membership.HyParViewOverlay.Settings(h.getActiveMax(), h.getPassiveMax(),
					h.getArwl(), h.getPrwl(), h.getShuffleInterval(), h.getShuffleActive(), h.getShufflePassive(),
					h.getRouteInterval()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPartisanPropertyException("partisan.hyparview",
					"active-max=" + h.getActiveMax() + ", passive-max=" + h.getPassiveMax() + ", arwl=" + h.getArwl()
							+ ", prwl=" + h.getPrwl(),
					"view sizes of at least 1 and 0 <= prwl <= arwl");
		}
		if (p.getEventLoopThreads() > 0) {
			b.eventLoopThreads(p.getEventLoopThreads());
		}
		if (p.getHandlerThreads() > 0) {
			b.handlerThreads(p.getHandlerThreads());
		}
		p.getAllowedPackages().forEach((pkg) -> {
			try {
				b.allowPackage(pkg);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPartisanPropertyException("partisan.allowed-packages", pkg, ex.getMessage());
			}
		});
		return b;
	}

	/** Builds, reporting the core's own checks (durations, bounds) against the partisan.* namespace. */
	static PartisanConfig build(PartisanConfig.Builder builder) {
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			String message = String.valueOf(ex.getMessage());
			String property = "partisan." + message.split("[ (]", 2)[0];
			String value = message.contains(", was ") ? message.substring(message.lastIndexOf(", was ") + 6)
					: message.contains("(") ? message.substring(message.indexOf('(') + 1, message.indexOf(')')) : "";
			throw new InvalidPartisanPropertyException(property, value, message);
		}
	}

	private static OverlayFactory overlay(String name, Map<String, OverlayFactory> overlayBeans) {
		OverlayFactory bean = overlayBeans.get(name);
		if (bean != null) {
			return bean;
		}
		if (Overlays.NAMES.contains(name)) {
			return Overlays.byName(name);
		}
		if (PUBSUB.equals(name)) {
			throw new InvalidPartisanPropertyException("partisan.overlay", name,
					"an overlay whose dependencies are present: 'pubsub' needs Spring AMQP on the class path "
							+ "(add spring-boot-starter-amqp) and a RabbitMQ ConnectionFactory (spring.rabbitmq.*)");
		}
		String beans = overlayBeans.isEmpty() ? "" : ", or an OverlayFactory bean: " + overlayBeans.keySet();
		throw new InvalidPartisanPropertyException("partisan.overlay", name,
				"one of " + Overlays.NAMES + ", '" + PUBSUB + "'" + beans);
	}

	private static String nodeName(PartisanProperties p, @Nullable String applicationName) {
		String name = p.getNode().getName();
		if (name == null || name.isBlank()) {
			name = (applicationName != null && !applicationName.isBlank()) ? sanitize(applicationName) : hostName();
		}
		try {
			return NodeId.of(name).name();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPartisanPropertyException("partisan.node.name", name,
					"1 to 255 letters, digits, '.', '_' or '-'");
		}
	}

	private static String hostName() {
		try {
			return sanitize(InetAddress.getLocalHost().getHostName());
		}
		catch (UnknownHostException ex) {
			return "partisan";
		}
	}

	private static String sanitize(String name) {
		String clean = name.replaceAll("[^A-Za-z0-9._-]", "-");
		return clean.isEmpty() ? "partisan" : clean;
	}

	private static int intBytes(String property, long bytes) {
		if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
			throw new InvalidPartisanPropertyException(property, bytes + "B", "a size below 2GB");
		}
		return (int) bytes;
	}

}
