package dev.modelregistry.examples.service;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Secures the actuator: reads are open (health, metrics, Prometheus, the models endpoint's status), and a
 * POST to the models endpoint (refresh, pin, promote, roll back) needs a user with role {@code
 * MODEL_ADMIN}, over HTTP basic. The user comes from {@code spring.security.user.*} ({@code
 * MODEL_ADMIN_USER}, {@code MODEL_ADMIN_PASSWORD}). The prediction API is not matched here and stays open.
 *
 * <p>CSRF protection is off for the actuator: its clients are scripts and tools sending basic
 * credentials, not browsers with a session, and with CSRF on every POST would answer 403.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurity {

  @Bean
  SecurityFilterChain actuator(HttpSecurity http) throws Exception {
    return http.securityMatcher(EndpointRequest.toAnyEndpoint())
        .authorizeHttpRequests(a -> a
            .requestMatchers(HttpMethod.POST, "/actuator/models", "/actuator/models/**").hasRole("MODEL_ADMIN")
            .anyRequest().permitAll())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()))
        .build();
  }
}
