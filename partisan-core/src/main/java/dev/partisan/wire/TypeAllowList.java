package dev.partisan.wire;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The types the object codec may instantiate from the wire: classes registered explicitly
 * (a handler's payload type is registered with it), classes under configured packages,
 * and a few JDK value types. A name is checked before its class is loaded, so a rejected
 * name never runs a static initializer.
 */
public final class TypeAllowList {

	private static final Set<String> JDK_VALUE_TYPES = Set.of("java.lang.Integer", "java.lang.Long", "java.lang.Short",
			"java.lang.Byte", "java.lang.Double", "java.lang.Float", "java.lang.Boolean", "java.lang.Character",
			"java.math.BigInteger", "java.math.BigDecimal", "java.util.UUID");

	private final Set<String> classNames = ConcurrentHashMap.newKeySet();

	private final List<String> packagePrefixes = new CopyOnWriteArrayList<>();

	public TypeAllowList() {
		this.classNames.addAll(JDK_VALUE_TYPES);
	}

	public TypeAllowList allow(Class<?> type) {
		this.classNames.add(type.getName());
		return this;
	}

	/** Allows every class in {@code packageName} and its sub-packages. */
	public TypeAllowList allowPackage(String packageName) {
		this.packagePrefixes.add(checkedPrefix(packageName));
		return this;
	}

	/**
	 * The prefix that allows {@code packageName}.
	 * @throws IllegalArgumentException for JDK and root packages, which hold gadget types
	 */
	public static String checkedPrefix(String packageName) {
		String prefix = packageName.endsWith(".") ? packageName : packageName + ".";
		if (prefix.startsWith("java.") || prefix.startsWith("javax.") || prefix.equals(".")) {
			throw new IllegalArgumentException("Refusing to allow-list package '" + packageName
					+ "': JDK and root packages hold gadget types; allow specific classes instead");
		}
		return prefix;
	}

	public TypeAllowList allowPackages(Collection<String> packageNames) {
		packageNames.forEach(this::allowPackage);
		return this;
	}

	public boolean isAllowed(String className) {
		if (this.classNames.contains(className)) {
			return true;
		}
		for (String prefix : this.packagePrefixes) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
