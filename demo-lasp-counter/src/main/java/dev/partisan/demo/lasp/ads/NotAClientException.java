package dev.partisan.demo.lasp.ads;

/** A view asked of a server: servers do not display ads, clients do. */
public class NotAClientException extends RuntimeException {

	public NotAClientException(String node) {
		super("Node " + node + " is a server; ads are viewed on client nodes (partisan.node.tag: client)");
	}

}
