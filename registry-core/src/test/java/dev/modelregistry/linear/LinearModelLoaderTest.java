package dev.modelregistry.linear;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class LinearModelLoaderTest {

  private static LinearPredictor parse(String json) throws Exception {
    return LinearModelLoader.parse(new ByteArrayInputStream(json.getBytes(UTF_8)), LinearModelLoader.DEFAULT_MAX_WEIGHTS);
  }

  @Test
  void identityLinkGivesTheScore() throws Exception {
    LinearPredictor p = parse("{\"format\":\"linear\",\"weights\":[0.5,-1,2],\"bias\":0.25}");
    assertThat(p.predict(new float[] {2, 1, 0.5f})).containsExactly(1.25f);
    assertThat(p.inputWidth()).hasValue(3);
  }

  @Test
  void logisticLinkGivesAProbability() throws Exception {
    LinearPredictor p = parse("{\"format\":\"linear\",\"weights\":[1,1],\"bias\":0,\"link\":\"logistic\"}");
    assertThat(p.predict(new float[] {0, 0})[0]).isEqualTo(0.5f);
    assertThat(p.predict(new float[] {2, 1})[0]).isCloseTo((float) (1 / (1 + Math.exp(-3))), within(1e-7f));
  }

  @Test
  void softmaxLinkGivesOneProbabilityPerClass() throws Exception {
    LinearPredictor p = parse(
        "{\"format\":\"linear\",\"weights\":[[1,0],[0,1],[0,0]],\"bias\":[0,0,0],\"link\":\"softmax\"}");
    float[] out = p.predict(new float[] {1, 2});
    double e1 = Math.exp(1);
    double e2 = Math.exp(2);
    double total = e1 + e2 + 1;
    assertThat(out).hasSize(3);
    assertThat(out[0]).isCloseTo((float) (e1 / total), within(1e-6f));
    assertThat(out[1]).isCloseTo((float) (e2 / total), within(1e-6f));
    assertThat(out[0] + out[1] + out[2]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void theWriterAndTheLoaderAgree() throws Exception {
    LinearModel model = new LinearModel(new float[][] {{1, 2}, {3, 4}}, new float[] {0.5f, -0.5f},
        LinearPredictor.Link.SOFTMAX);
    LinearPredictor p = parse(new String(model.toJson(), UTF_8));
    assertThat(p.outputs()).isEqualTo(2);
    assertThat(p.link()).isEqualTo(LinearPredictor.Link.SOFTMAX);
    assertThat(parse(new String(LinearModel.logistic(1, 2, 3).toJson(), UTF_8)).predict(new float[] {0, 0})[0])
        .isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-7f));
  }

  @Test
  void badModelsAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[]}")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[[1,2],[3]],\"bias\":[0,0]}"))
        .hasMessageContaining("weights[1] has 1 values");
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[1,2],\"bias\":[0,0]}"))
        .hasMessageContaining("1 output(s) but 2 bias");
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[1,\"x\"]}"))
        .hasMessageContaining("weights[1] is not a finite number");
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[1],\"link\":\"relu\"}"))
        .hasMessageContaining("link relu is not one of identity, logistic, softmax");
    assertThatThrownBy(() -> parse("{\"format\":\"linear\",\"weights\":[1],\"link\":\"softmax\"}"))
        .hasMessageContaining("softmax needs at least two outputs");
    assertThatThrownBy(() -> parse("{\"format\":\"xgboost\",\"weights\":[1]}")).hasMessageContaining("not linear");
  }
}
