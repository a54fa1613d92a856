package dev.partisan.demo.lasp.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.partisan.demo.lasp.ads.AdDisabledException;
import dev.partisan.demo.lasp.ads.NotAClientException;
import dev.partisan.demo.lasp.ads.Replica;
import dev.partisan.demo.lasp.ads.UnknownAdException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Refusals as JSON that say which node refused, and why. */
@RestControllerAdvice
class ApiErrors {

	private final Replica replica;

	ApiErrors(Replica replica) {
		this.replica = replica;
	}

	/**
	 * 409: the ad exists but may no longer be shown; the body has the counts that decided
	 * it.
	 */
	@ExceptionHandler(AdDisabledException.class)
	ResponseEntity<Map<String, Object>> disabled(AdDisabledException ex, HttpServletRequest request) {
		Map<String, Object> body = error("ad disabled", request);
		body.put("ad", ex.ad());
		body.put("views", ex.state().total());
		body.put("threshold", ex.state().threshold());
		return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
	}

	@ExceptionHandler(UnknownAdException.class)
	ResponseEntity<Map<String, Object>> unknown(UnknownAdException ex, HttpServletRequest request) {
		Map<String, Object> body = error("unknown ad", request);
		body.put("ad", ex.ad());
		body.put("known", this.replica.snapshot().ads().keySet());
		return ResponseEntity.status(HttpStatus.NOT_FOUND).body(body);
	}

	@ExceptionHandler(NotAClientException.class)
	ResponseEntity<Map<String, Object>> notAClient(NotAClientException ex, HttpServletRequest request) {
		Map<String, Object> body = error("not a client", request);
		body.put("detail", ex.getMessage());
		return ResponseEntity.badRequest().body(body);
	}

	private Map<String, Object> error(String error, HttpServletRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("method", request.getMethod());
		body.put("path", request.getRequestURI());
		body.put("node", this.replica.node());
		return body;
	}

}
