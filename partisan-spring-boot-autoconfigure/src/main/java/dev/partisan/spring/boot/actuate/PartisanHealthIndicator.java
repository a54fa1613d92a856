package dev.partisan.spring.boot.actuate;

import java.util.Map;

import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.spring.boot.autoconfigure.PartisanLifecycle;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code partisan} health: UP while the node runs, with its overlay and members as
 * details.
 */
public class PartisanHealthIndicator extends AbstractHealthIndicator {

	private final Partisan partisan;

	private final @Nullable PartisanLifecycle lifecycle;

	/**
	 * @param partisan the node
	 * @param lifecycle the lifecycle that runs it, or {@code null} when the application
	 * runs it itself
	 */
	public PartisanHealthIndicator(Partisan partisan, @Nullable PartisanLifecycle lifecycle) {
		super("Partisan health check failed");
		this.partisan = partisan;
		this.lifecycle = lifecycle;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.lifecycle != null && !this.lifecycle.isRunning()) {
			builder.down().withDetail("node", this.partisan.localNode().name()).withDetail("reason", "not running");
			return;
		}
		Map<String, Object> transport = this.partisan.transportDetails();
		if (Boolean.FALSE.equals(transport.get("brokerConnected"))) {
			// Without its broker a pub-sub node reaches nobody, as Spring Boot's own
			// RabbitMQ health says.
			builder.down()
				.withDetail("node", this.partisan.localNode().name())
				.withDetail("reason", "the AMQP broker " + transport.get("broker") + " is unreachable");
			return;
		}
		builder.up()
			.withDetail("node", this.partisan.localNode().address())
			.withDetail("overlay", this.partisan.overlayName())
			.withDetail("members", this.partisan.members().stream().map(Node::name).sorted().toList());
	}

}
