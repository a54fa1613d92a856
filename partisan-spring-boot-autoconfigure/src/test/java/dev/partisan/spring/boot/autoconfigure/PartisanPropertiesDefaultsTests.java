package dev.partisan.spring.boot.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.TreeMap;

import dev.partisan.config.SettingGroup;
import dev.partisan.config.SettingName;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties keep their own fields (the metadata processor needs them), so their
 * defaults are written a second time; this pins every one of them to core's. Both sides
 * are found by reflection: every field of {@link PartisanProperties} and its nested
 * groups, and every component of every core {@link SettingGroup}'s {@code DEFAULTS}, so a
 * property or setting added on one side only fails here.
 */
class PartisanPropertiesDefaultsTests {

	@Test
	void everyPropertyHasACoreSettingOfTheSameNameAndDefault() throws Exception {
		Map<String, @Nullable Object> spring = new TreeMap<>();
		collectProperties("", new PartisanProperties(), spring);
		Map<String, @Nullable Object> core = coreDefaults();
		assertThat(spring.keySet())
			.as("properties (left) and core settings (right); mark a property that has "
					+ "no core setting @SpringOnly")
			.containsExactlyInAnyOrderElementsOf(core.keySet());
		spring.forEach((name, value) -> assertThat(value).as("default of partisan.%s", name).isEqualTo(core.get(name)));
	}

	@Test
	void theWalkOverCoreFindsEveryGroupAndRenamedSetting() throws Exception {
		Map<String, @Nullable Object> core = coreDefaults();
		assertThat(core).containsKeys("node.port", "max-frame-size", "dedup-window", "failure-timeout",
				"hyparview.arwl", "pubsub.exchange");
		assertThat(core).hasSizeGreaterThanOrEqualTo(40);
	}

	private static void collectProperties(String prefix, Object bean, Map<String, @Nullable Object> into)
			throws IllegalAccessException {
		for (Field field : bean.getClass().getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()
					|| field.isAnnotationPresent(SpringOnly.class)) {
				continue;
			}
			field.setAccessible(true);
			Object value = field.get(bean);
			String name = prefix + kebab(field.getName());
			if (field.getType().getDeclaringClass() == PartisanProperties.class) {
				collectProperties(name + ".", value, into);
			}
			else {
				into.put(name, normalized(value));
			}
		}
	}

	private static Map<String, @Nullable Object> coreDefaults() throws Exception {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(SettingGroup.class));
		Map<String, @Nullable Object> defaults = new TreeMap<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.partisan")) {
			Class<?> group = Class.forName(candidate.getBeanClassName());
			String prefix = group.getAnnotation(SettingGroup.class).value();
			Object groupDefaults = group.getField("DEFAULTS").get(null);
			assertThat(group.isRecord()).as("%s is a record", group).isTrue();
			for (RecordComponent component : group.getRecordComponents()) {
				SettingName renamed = component.getAnnotation(SettingName.class);
				String name = (renamed != null) ? renamed.value() : kebab(component.getName());
				String qualified = prefix.isEmpty() ? name : prefix + "." + name;
				assertThat(defaults).as("settings named %s", qualified).doesNotContainKey(qualified);
				defaults.put(qualified, normalized(component.getAccessor().invoke(groupDefaults)));
			}
		}
		return defaults;
	}

	/**
	 * Sizes in bytes and whole numbers as longs, so an int setting compares with a
	 * DataSize property.
	 */
	private static @Nullable Object normalized(@Nullable Object value) {
		if (value instanceof DataSize size) {
			return size.toBytes();
		}
		if (value instanceof Integer || value instanceof Long) {
			return ((Number) value).longValue();
		}
		return value;
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

}
