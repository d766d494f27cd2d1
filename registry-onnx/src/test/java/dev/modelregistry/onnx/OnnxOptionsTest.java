package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.junit.jupiter.api.Test;

class OnnxOptionsTest {

  @Test
  void theDefaultsAreOneThreadAllOptimizationsTheOutputFromTheModelAndOneBinaryProbability() {
    OnnxOptions defaults = OnnxOptions.defaults();
    assertThat(defaults.intraOpThreads()).isEqualTo(1);
    assertThat(defaults.optimizationLevel()).isEqualTo(OptLevel.ALL_OPT);
    assertThat(defaults.output()).isEmpty();
    assertThat(defaults.binaryOutput()).isEqualTo(OnnxOptions.BinaryOutput.POSITIVE_CLASS);
    assertThat(defaults).hasToString("OnnxOptions[intraOpThreads=1, optimizationLevel=ALL_OPT,"
        + " output=(from the model), binaryOutput=POSITIVE_CLASS]");
  }

  @Test
  void everySettingIsKept() {
    OnnxOptions options = OnnxOptions.builder()
        .intraOpThreads(0)
        .optimizationLevel(OptLevel.BASIC_OPT)
        .output("probabilities")
        .binaryOutput(OnnxOptions.BinaryOutput.BOTH_CLASSES)
        .build();
    assertThat(options.intraOpThreads()).isZero();
    assertThat(options.optimizationLevel()).isEqualTo(OptLevel.BASIC_OPT);
    assertThat(options.output()).hasValue("probabilities");
    assertThat(options.binaryOutput()).isEqualTo(OnnxOptions.BinaryOutput.BOTH_CLASSES);
  }

  @Test
  void badValuesAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> OnnxOptions.builder().intraOpThreads(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("intraOpThreads must be 0 (ONNX Runtime chooses) or a positive number of threads, but was -2");
    assertThatThrownBy(() -> OnnxOptions.builder().output(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output must name one of the model's outputs, but was blank");
    assertThatThrownBy(() -> OnnxOptions.builder().optimizationLevel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("optimizationLevel");
  }

  @Test
  void aSettingGivenTwiceIsRefusedShowingTheFirst() {
    assertThatThrownBy(() -> OnnxOptions.builder().intraOpThreads(2).intraOpThreads(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("intraOpThreads was already set to 2");
    assertThatThrownBy(() -> OnnxOptions.builder().output("a").output("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("output was already set to a");
    assertThatThrownBy(() -> OnnxOptions.builder().sessionOptions(o -> { }).sessionOptions(o -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("sessionOptions was already set to ");
  }
}
