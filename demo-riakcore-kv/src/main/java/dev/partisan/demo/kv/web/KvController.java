package dev.partisan.demo.kv.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.partisan.demo.kv.KvProperties;
import dev.partisan.demo.kv.kv.KvResult;
import dev.partisan.demo.kv.kv.KvService;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT}, {@code GET} and {@code DELETE /kv/{key}}. A get answers with the value's
 * bytes as they were put; its stamp and the replicas that made the quorum are in headers.
 * Everything else answers JSON.
 */
@RestController
class KvController {

	private final KvService kv;

	private final Duration limit;

	KvController(KvService kv, KvProperties properties) {
		this.kv = kv;
		this.limit = properties.requestTimeout().multipliedBy(2);
	}

	@PutMapping("/kv/{key}")
	Map<String, Object> put(@PathVariable String key, @RequestBody byte[] value) {
		return describe(Futures.await(this.kv.put(key, value), this.limit));
	}

	@DeleteMapping("/kv/{key}")
	Map<String, Object> delete(@PathVariable String key) {
		return describe(Futures.await(this.kv.delete(key), this.limit));
	}

	@GetMapping("/kv/{key}")
	ResponseEntity<?> get(@PathVariable String key) {
		KvResult result = Futures.await(this.kv.get(key), this.limit);
		if (!result.found()) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", "not found");
			body.put("key", key);
			body.put("replicas", result.answered().stream().map(Object::toString).toList());
			return ResponseEntity.status(404).contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header("X-Kv-Timestamp", result.value().timestamp() + "@" + result.value().node())
			.header("X-Kv-Replicas", String.join(",", result.answered().stream().map(Object::toString).toList()))
			.body(result.value().value());
	}

	private static Map<String, Object> describe(KvResult result) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key", result.key());
		if (result.value() != null) {
			body.put("timestamp", result.value().timestamp());
			body.put("node", result.value().node());
			body.put("deleted", result.value().isTombstone());
		}
		body.put("replicas", result.answered().stream().map(Object::toString).toList());
		return body;
	}

}
