package dev.partisan.spring.boot.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.partisan.api.InvalidSettingException;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.runtime.Overlays;
import dev.partisan.runtime.PartisanConfig;
import dev.partisan.transport.ChannelSpec;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link PartisanProperties} into a {@link PartisanConfig}. The values are checked
 * by core, once: a bad one raises an {@link InvalidSettingException} naming the setting
 * by the same kebab-case name as the property, so it is reported as
 * {@code partisan.<name>} without reading its message. Only what core cannot know is
 * checked here: the node name's fallback, seed syntax, overlay beans, and sizes too large
 * for an int.
 */
final class PartisanConfigMapper {

	/**
	 * The pub-sub overlay's name; its factory is a bean of
	 * {@link PartisanPubSubAutoConfiguration}.
	 */
	static final String PUBSUB = "pubsub";

	private PartisanConfigMapper() {
	}

	static PartisanConfig.Builder toBuilder(PartisanProperties p, @Nullable String applicationName,
			Map<String, OverlayFactory> overlayBeans) {
		PartisanConfig.Builder b = PartisanConfig.builder(nodeName(p, applicationName));
		try {
			map(p, overlayBeans, b);
		}
		catch (InvalidSettingException ex) {
			throw InvalidPartisanPropertyException.of(ex);
		}
		return b;
	}

	private static void map(PartisanProperties p, Map<String, OverlayFactory> overlayBeans, PartisanConfig.Builder b) {
		PropertyMapper map = PropertyMapper.get();
		PartisanProperties.NodeSettings node = p.getNode();
		map.from(node::getHost).to(b::host);
		map.from(node::getPort).to(b::port);
		map.from(node::getTag).to(b::tag);
		b.overlay(overlay(p.getOverlay(), overlayBeans));
		List<String> seeds = p.getSeeds();
		for (int i = 0; i < seeds.size(); i++) {
			b.seed(seed(i, seeds.get(i)));
		}
		map.from(p::getParallelism).to(b::parallelism);
		map.from(p::isAffinity).to(b::affinity);
		p.getChannels().forEach((name, channel) -> {
			int lanes = (channel.getParallelism() != null) ? channel.getParallelism() : p.getParallelism();
			b.channel(new ChannelSpec(name, lanes, channel.isCompression(), channel.isAck(), channel.isMonotonic(),
					channel.getPlacement()));
		});
		map.from(p::getHeartbeatInterval).to(b::heartbeatInterval);
		map.from(p::getFailureTimeout).to(b::failureTimeout);
		map.from(p::getGossipInterval).to(b::gossipInterval);
		map.from(p::getJoinTimeout).to(b::joinTimeout);
		map.from(p::getMaxFrameSize).as((size) -> intBytes("partisan.max-frame-size", size)).to(b::maxFrameSize);
		map.from(p::getCompressionThreshold)
			.as((size) -> intBytes("partisan.compression-threshold", size))
			.to(b::compressionThreshold);
		map.from(p::getConnectTimeout).to(b::connectTimeout);
		b.reconnectBackoff(p.getReconnectMin(), p.getReconnectMax());
		b.connectionRefresh(p.getConnectionRefreshInterval(), p.getConnectionsPerRefresh());
		b.maxQueued(p.getMaxQueuedMessages(), p.getMaxQueuedBytes().toBytes());
		map.from(p::getListenBacklog).to(b::listenBacklog);
		map.from(p::getEventLoopThreads).to(b::eventLoopThreads);
		map.from(p::getMailboxCapacity).to(b::mailboxCapacity);
		map.from(p::getHandlerThreads).to(b::handlerThreads);
		map.from(p::isFailFastToDownNodes).to(b::failFastToDownNodes);
		map.from(p::getClusterSecret).to(b::clusterSecret);
		map.from(p::getRetransmitInterval).to(b::retransmitInterval);
		map.from(p::getMaxOutstandingAcks).to(b::maxOutstandingAcks);
		map.from(p::getDedupWindow).to(b::dedupWindow);
		map.from(p::getMonotonicWindow).to(b::monotonicWindow);
		map.from(p::getHyparview).as(PartisanConfigMapper::hyParView).to(b::hyParView);
		p.getAllowedPackages().forEach(b::allowPackage);
	}

	/**
	 * Builds, reporting core's checks (durations, bounds, cross-field rules) as
	 * partisan.* properties.
	 */
	static PartisanConfig build(PartisanConfig.Builder builder) {
		try {
			return builder.build();
		}
		catch (InvalidSettingException ex) {
			throw InvalidPartisanPropertyException.of(ex);
		}
	}

	private static HyParViewOverlay.Settings hyParView(PartisanProperties.HyParView h) {
		return new HyParViewOverlay.Settings(h.getActiveMax(), h.getPassiveMax(), h.getArwl(), h.getPrwl(),
				h.getShuffleInterval(), h.getShuffleActive(), h.getShufflePassive(), h.getRouteInterval());
	}

	private static Node seed(int index, String address) {
		try {
			return Node.parse(address);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPartisanPropertyException("partisan.seeds[" + index + "]", address,
					"a node address name@host:port, e.g. n2@127.0.0.1:10101");
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
		throw new InvalidPartisanPropertyException("partisan.overlay", name, allowedOverlays(overlayBeans.keySet()));
	}

	/**
	 * Every value partisan.overlay takes, in one style: the built-in names, then the
	 * OverlayFactory beans the context has (the pub-sub one is a bean too, but listed as
	 * a built-in, where the README lists it).
	 */
	static String allowedOverlays(Set<String> beanNames) {
		List<String> builtIns = new ArrayList<>(Overlays.NAMES);
		builtIns.add(PUBSUB);
		StringBuilder allowed = new StringBuilder();
		for (String builtIn : builtIns) {
			allowed.append('\'').append(builtIn).append("', ");
		}
		allowed.append("or the name of an OverlayFactory bean");
		List<String> beans = beanNames.stream().filter((bean) -> !builtIns.contains(bean)).sorted().toList();
		if (beans.isEmpty()) {
			allowed.append(" (this application defines none)");
		}
		else {
			allowed.append(" (this application defines ")
				.append(String.join(", ", beans.stream().map((bean) -> "'" + bean + "'").toList()))
				.append(')');
		}
		return allowed.toString();
	}

	/**
	 * The configured name, else one unique per instance wherever host names are: the
	 * application name and the host name ({@code kv-pod-7f9c}), else the host name. The
	 * application name alone would be the same for every replica, which then each see
	 * only themselves.
	 */
	static String nodeName(PartisanProperties p, @Nullable String applicationName) {
		String name = p.getNode().getName();
		if (name == null || name.isBlank()) {
			name = (applicationName != null && !applicationName.isBlank())
					? sanitize(applicationName) + "-" + hostName() : hostName();
		}
		try {
			return NodeId.of(name).name();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPartisanPropertyException("partisan.node.name", name,
					"1 to 255 letters, digits, '.', '_' or '-'");
		}
	}

	static String hostName() {
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

	private static int intBytes(String property, DataSize size) {
		long bytes = size.toBytes();
		if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
			throw new InvalidPartisanPropertyException(property, bytes + "B", "a size below 2GB");
		}
		return (int) bytes;
	}

}
