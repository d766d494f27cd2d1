package dev.modelregistry.spring;

import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Tells the {@link ModelReadinessGate} that Spring Boot has marked the application ready. A run listener
 * ordered after Spring Boot's own, so the gate's decision comes after Boot's {@code ACCEPTING_TRAFFIC} and is
 * not overwritten by it. Registered in {@code META-INF/spring.factories}; stateless.
 */
public class ModelReadinessRunListener implements SpringApplicationRunListener, Ordered {

  /** Created by Spring Boot for each application run. */
  public ModelReadinessRunListener(SpringApplication application, String[] args) {}

  @Override
  public void ready(ConfigurableApplicationContext context, Duration timeTaken) {
    context.getBeanProvider(ModelReadinessGate.class).ifAvailable(ModelReadinessGate::applicationReady);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
