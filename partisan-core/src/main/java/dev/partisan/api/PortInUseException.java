package dev.partisan.api;

/**
 * The node's server could not listen because another process holds its port. Raised
 * instead of the network library's own bind error so that callers (the Spring Boot
 * failure analyzer) can tell a taken port from other start-up failures by type, not by
 * reading a platform-dependent message.
 */
public class PortInUseException extends PartisanException {

	private static final long serialVersionUID = 1L;

	private final String host;

	private final int port;

	public PortInUseException(String host, int port, Throwable cause) {
		super("Partisan could not listen on " + host + ":" + port + ": the port is already in use", cause);
		this.host = host;
		this.port = port;
	}

	/** The address the server tried to bind. */
	public String host() {
		return this.host;
	}

	/** The port that is taken. */
	public int port() {
		return this.port;
	}

}
