package dev.partisan.demo.kv.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.echo.EchoService;
import dev.partisan.demo.kv.ring.Ring;
import dev.partisan.demo.kv.ring.RingManager;
import dev.partisan.demo.kv.vnode.VnodeManager;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ring}: this node's view of the ring; {@code POST /echo}: one round trip of
 * the echo service.
 */
@RestController
class ClusterController {

	private final RingManager rings;

	private final VnodeManager vnodes;

	private final EchoService echo;

	private final Duration limit;

	ClusterController(RingManager rings, VnodeManager vnodes, EchoService echo, KvProperties properties) {
		this.rings = rings;
		this.vnodes = vnodes;
		this.echo = echo;
		this.limit = properties.requestTimeout().multipliedBy(2);
	}

	@GetMapping("/ring")
	Map<String, Object> ring() {
		Ring ring = this.rings.current();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("node", this.rings.self());
		body.put("version", ring.version());
		body.put("claimant", ring.claimant());
		body.put("partitions", ring.size());
		body.put("members", ring.members());
		Map<String, Integer> counts = new LinkedHashMap<>();
		ring.ownership().forEach((node, partitions) -> counts.put(node, partitions.size()));
		body.put("partitionsPerNode", counts);
		body.put("ownership", ring.ownership());
		body.put("serving", this.vnodes.serving());
		return body;
	}

	/**
	 * Echoes the body, or {@code size} random bytes (default 1 KiB) when there is none.
	 */
	@PostMapping("/echo")
	EchoService.EchoResult echo(@RequestParam(defaultValue = "1024") int size,
			@RequestBody(required = false) byte @Nullable [] body) {
		byte[] payload = body;
		if (payload == null || payload.length == 0) {
			if (size < 0 || size > 64 * 1024 * 1024) {
				throw new IllegalArgumentException("size must be between 0 and 64 MiB, was " + size);
			}
			payload = new byte[size];
			ThreadLocalRandom.current().nextBytes(payload);
		}
		return Futures.await(this.echo.echo(payload), this.limit);
	}

}
