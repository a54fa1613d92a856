package dev.partisan.spring.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanMessage;
import dev.partisan.runtime.PartisanConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@code @PartisanChannel} methods on beans as they are created, checks each
 * declaration, and registers them with the node once every singleton exists. Mis-declared
 * handlers fail start-up.
 */
public class PartisanHandlerRegistrar implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private record Definition(Object bean, String beanName, Method method, String name, String channel,
			Class<?> payloadType, int payloadIndex, int metaIndex) {

		String where() {
			return "method " + this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName()
					+ " of bean '" + this.beanName + "'";
		}

	}

	private static final Logger logger = LoggerFactory.getLogger(PartisanHandlerRegistrar.class);

	private final Map<String, Definition> definitions = new LinkedHashMap<>();

	private final boolean strictChannels;

	/** A registrar that refuses handlers on channels that are not configured. */
	public PartisanHandlerRegistrar() {
		this(true);
	}

	/**
	 * @param strictChannels whether a handler on a channel that is not configured fails
	 * start-up; when false it is accepted with a warning, and its traffic travels on the
	 * default channel
	 */
	public PartisanHandlerRegistrar(boolean strictChannels) {
		this.strictChannels = strictChannels;
	}

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = AopUtils.getTargetClass(bean);
		Map<Method, PartisanChannel> annotated = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<PartisanChannel>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, PartisanChannel.class));
		annotated.forEach((method, annotation) -> add(bean, beanName, method, annotation));
		return bean;
	}

	private void add(Object bean, String beanName, Method method, PartisanChannel annotation) {
		String name = annotation.name().isEmpty() ? method.getName() : annotation.name();
		int payloadIndex = -1;
		int metaIndex = -1;
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			if (parameters[i] == PartisanMessage.class) {
				metaIndex = i;
			}
			else if (payloadIndex < 0) {
				payloadIndex = i;
			}
			else {
				throw new InvalidPartisanHandlerException("handler '" + name + "' (method " + method.getName()
						+ " of bean '" + beanName + "') has more than one payload parameter; it takes one payload "
						+ "and optionally a PartisanMessage");
			}
		}
		if (payloadIndex < 0) {
			throw new InvalidPartisanHandlerException("handler '" + name + "' (method " + method.getName()
					+ " of bean '" + beanName + "') has no payload parameter");
		}
		Definition definition = new Definition(bean, beanName, method, name, annotation.channel(),
				parameters[payloadIndex], payloadIndex, metaIndex);
		Definition clash = this.definitions.putIfAbsent(name, definition);
		if (clash != null) {
			throw new InvalidPartisanHandlerException(
					"two handlers are named '" + name + "': " + clash.where() + " and " + definition.where());
		}
		ReflectionUtils.makeAccessible(method);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory == null || this.definitions.isEmpty()) {
			return;
		}
		Partisan partisan = this.beanFactory.getBean(Partisan.class);
		PartisanHandlerRegistry registry = this.beanFactory.getBean(PartisanHandlerRegistry.class);
		PartisanConfig config = this.beanFactory.getBeanProvider(PartisanConfig.class).getIfAvailable();
		if (config != null) {
			Set<String> channels = config.channels().keySet();
			for (Definition definition : this.definitions.values()) {
				if (!channels.contains(definition.channel)) {
					String problem = "handler '" + definition.name + "' (" + definition.where() + ") names channel '"
							+ definition.channel + "', which is not configured";
					if (this.strictChannels) {
						throw new InvalidPartisanHandlerException(problem + "; add it under partisan.channels "
								+ "(configured: " + channels + "), or set partisan.strict-channels=false to let it "
								+ "travel on the default channel");
					}
					logger.warn("{}; its messages travel on the default channel (partisan.strict-channels=false)",
							problem);
				}
			}
		}
		for (Definition definition : this.definitions.values()) {
			register(partisan, definition);
			registry.put(definition.name, definition.channel);
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void register(Partisan partisan, Definition d) {
		Class payloadType = boxed(d.payloadType);
		partisan.registerRequestHandler(d.name, payloadType, (payload, meta) -> {
			Object[] args = new Object[d.method.getParameterCount()];
			args[d.payloadIndex] = payload;
			if (d.metaIndex >= 0) {
				args[d.metaIndex] = meta;
			}
			try {
				return d.method.invoke(d.bean, args);
			}
			catch (InvocationTargetException ex) {
				Throwable cause = ex.getCause();
				throw (cause instanceof Exception exception) ? exception : ex;
			}
		});
	}

	private static Class<?> boxed(Class<?> type) {
		if (!type.isPrimitive()) {
			return type;
		}
		return switch (type.getName()) {
			case "int" -> Integer.class;
			case "long" -> Long.class;
			case "double" -> Double.class;
			case "float" -> Float.class;
			case "boolean" -> Boolean.class;
			case "short" -> Short.class;
			case "byte" -> Byte.class;
			default -> Character.class;
		};
	}

	/** The handler names found so far (for diagnostics and tests). */
	public List<String> handlerNames() {
		return new ArrayList<>(this.definitions.keySet());
	}

}
