package dev.partisan.spring.boot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link PartisanProperties} property that has no setting in core: one that only
 * this module reads (the lifecycle, the template, seed discovery), or an input with no
 * default to share (the seeds). Every other property mirrors a core setting of the same
 * name, and a test checks that its default is core's; this marker is how a property opts
 * out, next to its declaration rather than in a list.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface SpringOnly {

	/** Why the property is not a core setting. */
	String value();

}
