package dev.partisan.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record whose components are settings, and whose
 * {@code public static final DEFAULTS} holds their defaults. A component's name is the
 * group's {@link #value() prefix} followed by the component's name in kebab case
 * ({@code failureTimeout} is {@code failure-timeout}), unless {@link SettingName} says
 * otherwise. These are the names
 * {@link dev.partisan.api.InvalidSettingException#property()} reports, and the names a
 * front end must use, so that it can be checked against them by reflection.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SettingGroup {

	/**
	 * The prefix of the group's names, e.g. {@code hyparview}; empty for settings at the
	 * root.
	 */
	String value();

}
