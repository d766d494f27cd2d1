package dev.modelregistry.examples.service;

import dev.modelregistry.Lease;
import dev.modelregistry.Model;
import dev.modelregistry.ModelNotFoundException;
import dev.modelregistry.ModelRegistry;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /predictions/win-probability} with the match state as named features; answers with the
 * probability that the chasing side wins and the model version that computed it.
 */
@RestController
@RequestMapping("/predictions")
class PredictionController {

  static final String MODEL = "t20_win_predictor";

  private final ModelRegistry registry;

  PredictionController(ModelRegistry registry) {
    this.registry = registry;
  }

  @PostMapping("/win-probability")
  WinProbability winProbability(@RequestBody Map<String, Double> features) {
    // current() is a map lookup; the handle it returns follows swaps and may also be kept in a field once
    // the model is loaded. A lease pins one version for the request, so the version reported is the one
    // that computed the probability.
    Model model = registry.current(MODEL);
    try (Lease lease = model.lease()) {
      float probability = lease.predict(features)[0];
      return new WinProbability(probability, MODEL, lease.version());
    }
  }

  /** A feature missing, unknown or of the wrong count: the message names it and the model version. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
  }

  /** The model has no version loaded yet (readiness is refused meanwhile). */
  @ExceptionHandler(ModelNotFoundException.class)
  ResponseEntity<Map<String, String>> notLoaded(ModelNotFoundException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  /**
   * The answer.
   *
   * @param probability the probability that the chasing side wins
   * @param model the model name
   * @param modelVersion the version that computed it
   */
  record WinProbability(float probability, String model, String modelVersion) {}
}
