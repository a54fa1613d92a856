package dev.partisan.spring.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Makes a bean method a Partisan handler: an actor registered under {@link #name()} that
 * receives one message at a time, in arrival order. The first parameter is the payload
 * (its type is decoded and allow-listed); an optional
 * {@link dev.partisan.api.PartisanMessage} parameter gives the sender and channel; a
 * return value answers a {@code call}.
 *
 * <pre class="code">
 * &#64;PartisanChannel(channel = "vnode", name = "kv")
 * KvReply handle(KvRequest request, PartisanMessage meta) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PartisanChannel {

	/** Alias for {@link #channel()}. */
	@AliasFor("channel")
	String value() default "default";

	/**
	 * The channel this handler's traffic travels on: the template sends to it on this
	 * channel. It must be {@code default} or configured under {@code partisan.channels}.
	 */
	@AliasFor("value")
	String channel() default "default";

	/** The handler name senders address; defaults to the method name. */
	String name() default "";

}
