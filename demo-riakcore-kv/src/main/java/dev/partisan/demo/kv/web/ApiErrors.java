package dev.partisan.demo.kv.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.partisan.api.PartisanException;
import dev.partisan.demo.kv.kv.QuorumNotReachedException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Failures as JSON a person can act on: what was needed, who answered, why the others did
 * not.
 */
@RestControllerAdvice
class ApiErrors {

	@ExceptionHandler(QuorumNotReachedException.class)
	ResponseEntity<Map<String, Object>> quorum(QuorumNotReachedException ex, HttpServletRequest request) {
		Map<String, Object> body = error("quorum not reached", request);
		body.put("needed", ex.needed());
		body.put("answered", ex.answered().stream().map(Object::toString).toList());
		Map<String, String> failed = new LinkedHashMap<>();
		ex.failed().forEach((replica, reason) -> failed.put(replica.toString(), reason));
		body.put("failed", failed);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
	}

	@ExceptionHandler(PartisanException.class)
	ResponseEntity<Map<String, Object>> partisan(PartisanException ex, HttpServletRequest request) {
		Map<String, Object> body = error("cluster unavailable", request);
		body.put("detail", ex.getMessage());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException ex, HttpServletRequest request) {
		Map<String, Object> body = error("bad request", request);
		body.put("detail", ex.getMessage());
		return ResponseEntity.badRequest().body(body);
	}

	private static Map<String, Object> error(String error, HttpServletRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("method", request.getMethod());
		body.put("path", request.getRequestURI());
		return body;
	}

}
