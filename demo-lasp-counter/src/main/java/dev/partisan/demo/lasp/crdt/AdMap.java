package dev.partisan.demo.lasp.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every advertisement a replica knows: a map lattice from ad id to {@link AdState}. A
 * missing ad is the bottom, so merge is the union of the keys with the states of common
 * ads merged. The set of ads only grows; an ad leaves the display by being disabled,
 * never by being removed (a removal would need a tombstone, and the disabled flag is
 * exactly that tombstone).
 *
 * @param ads each ad's state by id
 */
public record AdMap(Map<String, AdState> ads) implements Lattice<AdMap> {

	public AdMap {
		ads = Collections.unmodifiableMap(new TreeMap<>(ads));
	}

	public static AdMap empty() {
		return new AdMap(Map.of());
	}

	@Override
	public AdMap merge(AdMap other) {
		TreeMap<String, AdState> merged = new TreeMap<>(this.ads);
		other.ads.forEach((id, state) -> merged.merge(id, state, AdState::merge));
		return new AdMap(merged);
	}

}
