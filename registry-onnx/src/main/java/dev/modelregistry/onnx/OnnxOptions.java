package dev.modelregistry.onnx;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@link OnnxModelLoader} creates sessions and reads their outputs. Immutable and thread-safe (a
 * {@linkplain Builder#sessionOptions customizer} must be thread-safe too: it runs on the registry's loader
 * thread for every version loaded).
 *
 * <pre>{@code
 * OnnxOptions options = OnnxOptions.builder()
 *     .intraOpThreads(2)                                    // default 1
 *     .optimizationLevel(OptLevel.EXTENDED_OPT)             // default ALL_OPT
 *     .output("probabilities")                              // default: chosen from the model's outputs
 *     .binaryOutput(OnnxOptions.BinaryOutput.BOTH_CLASSES)  // default POSITIVE_CLASS
 *     .sessionOptions(o -> o.setCPUArenaAllocator(false))   // anything else ONNX Runtime offers
 *     .build();
 * ModelRegistry.builder().loader(new OnnxModelLoader(options));
 * }</pre>
 */
public final class OnnxOptions {

  private static final OnnxOptions DEFAULTS = builder().build();

  private final int intraOpThreads;
  private final OptLevel optimizationLevel;
  private final @Nullable String output;
  private final BinaryOutput binaryOutput;
  private final @Nullable SessionCustomizer customizer;

  private OnnxOptions(Builder builder) {
    this.intraOpThreads = builder.intraOpThreads != null ? builder.intraOpThreads : 1;
    this.optimizationLevel = builder.optimizationLevel != null ? builder.optimizationLevel : OptLevel.ALL_OPT;
    this.output = builder.output;
    this.binaryOutput = builder.binaryOutput != null ? builder.binaryOutput : BinaryOutput.POSITIVE_CLASS;
    this.customizer = builder.customizer;
  }

  /** The defaults: one intra-op thread, all optimizations, the output chosen from the model, one binary probability. */
  public static OnnxOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Threads ONNX Runtime may use inside one prediction; 0 lets it choose (one per physical core). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** The graph optimization level. */
  public OptLevel optimizationLevel() {
    return optimizationLevel;
  }

  /** The name of the output to return, if one was set; otherwise it is chosen from the model's outputs. */
  public Optional<String> output() {
    return Optional.ofNullable(output);
  }

  /** What a binary classifier returns. */
  public BinaryOutput binaryOutput() {
    return binaryOutput;
  }

  /** Applies the thread count, optimization level and customizer to fresh session options. */
  void configure(OrtSession.SessionOptions options) throws OrtException {
    options.setIntraOpNumThreads(intraOpThreads);
    options.setOptimizationLevel(optimizationLevel);
    if (customizer != null) {
      customizer.customize(options);
    }
  }

  @Override
  public String toString() {
    return "OnnxOptions[intraOpThreads=" + intraOpThreads + ", optimizationLevel=" + optimizationLevel
        + ", output=" + (output == null ? "(from the model)" : output) + ", binaryOutput=" + binaryOutput
        + (customizer == null ? "" : ", sessionOptions=" + customizer) + "]";
  }

  /** What a binary classifier (two class probabilities per row) returns. Immutable and thread-safe. */
  public enum BinaryOutput {
    /**
     * One value per row: the probability of the second class, the positive one ({@code 1}, or the label
     * that sorts last). The same shape as an XGBoost {@code binary:logistic} model or a linear model with a
     * logistic link, so {@code predict(row)[0]} means the same whichever framework serves the version.
     */
    POSITIVE_CLASS,
    /** Both probabilities, in class order, as scikit-learn's {@code predict_proba} returns them. */
    BOTH_CLASSES
  }

  /**
   * Sets ONNX Runtime session options this class has no setting for (execution providers, memory arenas,
   * config entries). Implementations must be thread-safe: the loader calls one for every version it loads,
   * on the registry's loader thread. Runs after the thread count and optimization level are set, so it may
   * override them.
   */
  @FunctionalInterface
  public interface SessionCustomizer {

    /** Adjusts {@code options}, which are fresh for each version and closed once its session exists. */
    void customize(OrtSession.SessionOptions options) throws OrtException;
  }

  /** Builds {@link OnnxOptions}. Each setting may be given once. Not thread-safe. */
  public static final class Builder {

    private @Nullable Integer intraOpThreads;
    private @Nullable OptLevel optimizationLevel;
    private @Nullable String output;
    private @Nullable BinaryOutput binaryOutput;
    private @Nullable SessionCustomizer customizer;

    private Builder() {}

    /**
     * Threads ONNX Runtime may use inside one prediction. Default 1: a service predicts from many request
     * threads at once, and small models gain nothing from splitting one row. 0 lets ONNX Runtime choose
     * (one per physical core), for large models served from few threads. Each session then has its own
     * pool, so a swap briefly holds two.
     */
    public Builder intraOpThreads(int threads) {
      requireUnset(intraOpThreads, "intraOpThreads");
      if (threads < 0) {
        throw new IllegalArgumentException(
            "intraOpThreads must be 0 (ONNX Runtime chooses) or a positive number of threads, but was " + threads);
      }
      this.intraOpThreads = threads;
      return this;
    }

    /** The graph optimization level. Default {@link OptLevel#ALL_OPT}. */
    public Builder optimizationLevel(OptLevel level) {
      requireUnset(optimizationLevel, "optimizationLevel");
      this.optimizationLevel = requireNonNull(level, "optimizationLevel");
      return this;
    }

    /**
     * The output to return, by name. Default: the first output holding floats, a float or double tensor or
     * the sequence of maps that ZipMap makes, so a classifier's probabilities are chosen over its labels. A
     * version whose model has no output of this name is refused.
     */
    public Builder output(String name) {
      requireUnset(output, "output");
      requireNonNull(name, "output");
      if (name.isBlank()) {
        throw new IllegalArgumentException("output must name one of the model's outputs, but was blank");
      }
      this.output = name;
      return this;
    }

    /** What a binary classifier returns. Default {@link BinaryOutput#POSITIVE_CLASS}. */
    public Builder binaryOutput(BinaryOutput binaryOutput) {
      requireUnset(this.binaryOutput, "binaryOutput");
      this.binaryOutput = requireNonNull(binaryOutput, "binaryOutput");
      return this;
    }

    /** Sets session options this builder has no setting for; see {@link SessionCustomizer}. */
    public Builder sessionOptions(SessionCustomizer customizer) {
      requireUnset(this.customizer, "sessionOptions");
      this.customizer = requireNonNull(customizer, "sessionOptions");
      return this;
    }

    /** Builds the options. */
    public OnnxOptions build() {
      return new OnnxOptions(this);
    }

    private static void requireUnset(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
