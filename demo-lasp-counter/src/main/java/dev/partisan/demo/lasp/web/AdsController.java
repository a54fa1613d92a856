package dev.partisan.demo.lasp.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.crdt.AdState;
import dev.partisan.demo.lasp.sync.StateSync;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ads} (what this replica shows), {@code POST /ads/{id}/view} (a client
 * displays an ad) and {@code GET /crdt} (the raw lattice state, for seeing the
 * G-Counter's entries). Every answer is this node's replica: reads never wait for the
 * cluster, they are as fresh as the last state that arrived.
 */
@RestController
class AdsController {

	private final Replica replica;

	private final StateSync sync;

	AdsController(Replica replica, StateSync sync) {
		this.replica = replica;
		this.sync = sync;
	}

	@GetMapping("/ads")
	Map<String, Object> ads() {
		List<Map<String, Object>> ads = new ArrayList<>();
		this.replica.snapshot().ads().forEach((id, state) -> ads.add(describe(id, state)));
		Map<String, Object> body = node();
		body.put("ads", ads);
		return body;
	}

	@PostMapping("/ads/{id}/view")
	Map<String, Object> view(@PathVariable String id) {
		AdState after = this.replica.view(id);
		Map<String, Object> body = node();
		body.putAll(describe(id, after));
		return body;
	}

	@GetMapping("/crdt")
	Map<String, Object> crdt() {
		Map<String, Object> body = node();
		body.put("replicaId", this.replica.replicaId());
		body.put("neighbours", this.sync.neighbours().stream().map((n) -> n.name()).sorted().toList());
		body.put("state", this.replica.snapshot().ads());
		return body;
	}

	private Map<String, Object> node() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("node", this.replica.node());
		body.put("role", this.replica.role().label());
		return body;
	}

	static Map<String, Object> describe(String id, AdState state) {
		Map<String, Object> ad = new LinkedHashMap<>();
		ad.put("id", id);
		ad.put("views", state.total());
		ad.put("threshold", state.threshold());
		ad.put("enabled", state.showable());
		return ad;
	}

}
