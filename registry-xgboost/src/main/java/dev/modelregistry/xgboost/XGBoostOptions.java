package dev.modelregistry.xgboost;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * How the XGBoost loader runs predictions. Immutable and thread-safe. {@code threads}, {@code singleRow}
 * and {@code batch} apply to xgboost4j only; the pure-Java evaluator runs on the calling thread.
 *
 * @param threads native threads per prediction ({@code nthread}); 1 by default, because a service's own
 *     request threads are the parallelism
 * @param missing the value that marks a missing feature; {@code NaN} by default, as in XGBoost
 * @param singleRow how one-row predictions run
 * @param batch how batch predictions run
 * @param evaluator which evaluator serves a model: the pure-Java one, xgboost4j, or the first that can
 */
public record XGBoostOptions(
    int threads, float missing, PredictMethod singleRow, PredictMethod batch, Evaluator evaluator) {

  /**
   * The defaults: {@link Evaluator#AUTO}; for xgboost4j one thread, NaN as missing, {@link
   * PredictMethod#DMATRIX} for single rows and batches. The methods were chosen by measurement with
   * xgboost4j 3.0.4 (see {@link XGBoostPredictor}).
   */
  public static final XGBoostOptions DEFAULTS =
      new XGBoostOptions(1, Float.NaN, PredictMethod.DMATRIX, PredictMethod.DMATRIX, Evaluator.AUTO);

  /** Checks. */
  public XGBoostOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
    }
    requireNonNull(singleRow, "singleRow");
    requireNonNull(batch, "batch");
    requireNonNull(evaluator, "evaluator");
  }

  /** Which evaluator serves a model. */
  public enum Evaluator {
    /**
     * The pure-Java evaluator ({@code registry-trees}) for every model it evaluates exactly (JSON and UBJSON
     * {@code gbtree}, {@code dart} and {@code gblinear} models with numerical splits and a supported
     * objective); xgboost4j for the others, when it is on the classpath. The default.
     */
    AUTO,
    /** The pure-Java evaluator only: a model it cannot evaluate exactly is refused. */
    JAVA,
    /** xgboost4j always (it must be on the classpath); {@code Lease.unwrap(Booster.class)} works. */
    NATIVE
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** How xgboost4j is asked for predictions. */
  public enum PredictMethod {
    /** Build a {@code DMatrix} from the rows, predict, dispose it. */
    DMATRIX,
    /** {@code Booster.inplace_predict} on the dense rows, without a {@code DMatrix}. */
    INPLACE
  }

  /** Builds {@link XGBoostOptions}. Each setting may be given once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Integer threads;
    private @Nullable Float missing;
    private @Nullable PredictMethod singleRow;
    private @Nullable PredictMethod batch;
    private @Nullable Evaluator evaluator;

    private Builder() {}

    /** Native threads per prediction. Default: 1. */
    public Builder threads(int threads) {
      requireUnset(this.threads, "threads");
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** The value that marks a missing feature. Default: NaN. */
    public Builder missing(float missing) {
      requireUnset(this.missing, "missing");
      this.missing = missing;
      return this;
    }

    /** How one-row predictions run. Default: {@link PredictMethod#DMATRIX}. */
    public Builder singleRow(PredictMethod method) {
      requireUnset(this.singleRow, "singleRow");
      this.singleRow = requireNonNull(method, "method");
      return this;
    }

    /** How batch predictions run. Default: {@link PredictMethod#DMATRIX}. */
    public Builder batch(PredictMethod method) {
      requireUnset(this.batch, "batch");
      this.batch = requireNonNull(method, "method");
      return this;
    }

    /** Which evaluator serves models. Default: {@link Evaluator#AUTO}. */
    public Builder evaluator(Evaluator evaluator) {
      requireUnset(this.evaluator, "evaluator");
      this.evaluator = requireNonNull(evaluator, "evaluator");
      return this;
    }

    /** Builds the options. */
    public XGBoostOptions build() {
      return new XGBoostOptions(
          threads != null ? threads : DEFAULTS.threads(),
          missing != null ? missing : DEFAULTS.missing(),
          singleRow != null ? singleRow : DEFAULTS.singleRow(),
          batch != null ? batch : DEFAULTS.batch(),
          evaluator != null ? evaluator : DEFAULTS.evaluator());
    }

    private static void requireUnset(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
