package dev.partisan.api;

import java.time.Duration;

/** A call got no reply within its timeout. The handler may still have run. */
public class CallTimeoutException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public CallTimeoutException(NodeId node, String name, Duration timeout) {
		super("Call to '" + name + "' on node '" + node + "' got no reply within " + timeout);
	}

}
