package dev.partisan.demo.lasp.ads;

/**
 * An ad this replica has not heard of: it does not exist, or no server's state has
 * arrived yet.
 */
public class UnknownAdException extends RuntimeException {

	private final String ad;

	public UnknownAdException(String ad) {
		super("No ad " + ad + " on this node");
		this.ad = ad;
	}

	public String ad() {
		return this.ad;
	}

}
