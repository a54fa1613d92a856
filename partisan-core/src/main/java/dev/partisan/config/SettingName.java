package dev.partisan.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration name of a setting whose Java name differs from it, e.g. HyParView's
 * {@code activeRandomWalkLength}, configured as {@code arwl} as in the paper. Without it
 * the name is the component's in kebab case.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface SettingName {

	/** The name without the group's prefix, in kebab case. */
	String value();

}
