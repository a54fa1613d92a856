package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.PartisanException;

/** The node could not bind its server port. */
public class PartisanPortInUseException extends PartisanException {

	private static final long serialVersionUID = 1L;

	private final String host;

	private final int port;

	public PartisanPortInUseException(String host, int port, Throwable cause) {
		super("Partisan could not listen on " + host + ":" + port + ": the port is already in use", cause);
		this.host = host;
		this.port = port;
	}

	public String getHost() {
		return this.host;
	}

	public int getPort() {
		return this.port;
	}

}
