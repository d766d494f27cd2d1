package dev.modelregistry.examples.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A cricket win-probability service: models come from the registry the starter configures. */
@SpringBootApplication
public class WinProbabilityApplication {

  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(WinProbabilityApplication.class, args);
  }
}
