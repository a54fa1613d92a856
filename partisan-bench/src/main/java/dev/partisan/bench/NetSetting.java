package dev.partisan.bench;

/**
 * One network the cases run on.
 *
 * @param name a label, e.g. {@code rtt-20ms-scaled}
 * @param namespaces whether nodes run in network namespaces (else on loopback)
 * @param oneWayDelayMs delay added on each namespace's input (RTT is about twice this)
 * @param tcpWindowBytes cap of TCP buffers in the namespaces, 0 for the kernel default
 * @param rate tbf rate on the link, e.g. {@code 1gbit}, empty for none
 */
public record NetSetting(String name, boolean namespaces, double oneWayDelayMs, int tcpWindowBytes, String rate) {

	static NetSetting loopback() {
		return new NetSetting("loopback", false, 0, 0, "");
	}

}
