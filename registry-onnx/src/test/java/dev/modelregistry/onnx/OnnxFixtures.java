package dev.modelregistry.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the ONNX models the tests use, byte for byte, without Python or protoc: each model is a {@code
 * ModelProto} encoded with {@link ProtoWriter}, with the field numbers of {@code onnx/onnx.proto} (noted
 * next to each use). The committed files under {@code src/test/resources/fixtures/} are this class's
 * output; {@code FixturesTest} regenerates them and checks the bytes are identical.
 *
 * <p>Regenerate with {@code java -cp <test classpath> dev.modelregistry.onnx.OnnxFixtures
 * src/test/resources/fixtures}. Stateless.
 *
 * <p>The models:
 *
 * <ul>
 *   <li>{@code regressor_v1.onnx}, {@code regressor_v2.onnx}: {@code score = input · W + b} with MatMul and
 *       Add; input {@code input} float {@code [N, 3]}, output {@code score} float {@code [N, 1]}; two sets of
 *       weights, so outputs tell the versions apart.
 *   <li>{@code binary_zipmap_v1.onnx}, {@code binary_zipmap_v2.onnx}: a binary logistic regression as
 *       skl2onnx exports scikit-learn's {@code LogisticRegression}: {@code ai.onnx.ml} LinearClassifier
 *       (coefficients {@code [-w, w]}, intercepts {@code [-b, b]}, post_transform LOGISTIC, labels 0 and 1)
 *       and ZipMap; input {@code float_input} float {@code [N, 3]}, outputs {@code label} int64 {@code [N]}
 *       and {@code probabilities}, a sequence of maps int64 → float.
 *   <li>{@code binary_tensor.onnx}: the same as v1 without ZipMap ({@code zipmap=False}): {@code
 *       probabilities} is a float tensor {@code [N, 2]}.
 *   <li>{@code multiclass_zipmap.onnx}: a three-class softmax regression with string labels {@code away},
 *       {@code draw}, {@code home}; outputs {@code label} string {@code [N]} and {@code probabilities}, a
 *       sequence of maps string → float.
 *   <li>{@code int64_input.onnx}: a valid model whose input {@code int_input} is an int64 tensor (Cast to
 *       float, MatMul, Add), which the loader must refuse.
 * </ul>
 */
final class OnnxFixtures {

  // TensorProto.DataType
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int STRING = 8;
  static final int DOUBLE = 11;

  // AttributeProto.AttributeType
  private static final int ATTR_INT = 2;
  private static final int ATTR_STRING = 3;
  private static final int ATTR_FLOATS = 6;
  private static final int ATTR_INTS = 7;
  private static final int ATTR_STRINGS = 8;

  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;
  private static final long ML_OPSET = 1;
  private static final String ML = "ai.onnx.ml";

  /** The dynamic batch dimension. */
  static final String BATCH = "N";

  static final float[] REGRESSOR_V1_W = {0.5f, -1.25f, 2.0f};
  static final float REGRESSOR_V1_B = 0.75f;
  static final float[] REGRESSOR_V2_W = {-0.3f, 0.8f, 1.5f};
  static final float REGRESSOR_V2_B = -0.25f;
  static final float[] BINARY_V1_W = {0.8f, -1.2f, 0.05f};
  static final float BINARY_V1_B = 0.1f;
  static final float[] BINARY_V2_W = {-0.4f, 0.9f, 0.3f};
  static final float BINARY_V2_B = -0.2f;
  static final float[][] MULTICLASS_W = {{0.2f, -0.5f, 1.0f}, {0.0f, 0.3f, -0.2f}, {-0.4f, 0.1f, 0.6f}};
  static final float[] MULTICLASS_B = {0.1f, -0.2f, 0.05f};
  static final String[] MULTICLASS_LABELS = {"away", "draw", "home"};

  private OnnxFixtures() {}

  /** Writes every fixture into the folder given as the first argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: OnnxFixtures <output folder>, e.g. src/test/resources/fixtures");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    for (Map.Entry<String, byte[]> e : all().entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
      System.out.println("wrote " + dir.resolve(e.getKey()) + " (" + e.getValue().length + " bytes)");
    }
  }

  /** Every committed fixture, by file name. */
  static Map<String, byte[]> all() {
    Map<String, byte[]> all = new LinkedHashMap<>();
    all.put("regressor_v1.onnx", regressor(REGRESSOR_V1_W, REGRESSOR_V1_B, BATCH));
    all.put("regressor_v2.onnx", regressor(REGRESSOR_V2_W, REGRESSOR_V2_B, BATCH));
    all.put("binary_zipmap_v1.onnx", binaryClassifier(BINARY_V1_W, BINARY_V1_B, true));
    all.put("binary_zipmap_v2.onnx", binaryClassifier(BINARY_V2_W, BINARY_V2_B, true));
    all.put("binary_tensor.onnx", binaryClassifier(BINARY_V1_W, BINARY_V1_B, false));
    all.put("multiclass_zipmap.onnx", multiClassClassifier(MULTICLASS_W, MULTICLASS_B, MULTICLASS_LABELS));
    all.put("int64_input.onnx", int64Input(REGRESSOR_V1_W, REGRESSOR_V1_B));
    return all;
  }

  // ------------------------------------------------------------------ models

  /**
   * {@code score = input · W + b}: input {@code input} float {@code [batch, F]}, output {@code score} float
   * {@code [batch, 1]}.
   *
   * @param batch the batch dimension: {@link #BATCH} for a dynamic one, or a {@code Long} for a fixed one
   */
  static byte[] regressor(float[] weights, float bias, Object batch) {
    return regressor(weights, bias, batch, (long) weights.length);
  }

  /**
   * {@link #regressor(float[], float, Object)} with the feature dimension declared as {@code features}: a
   * {@code Long}, or a {@code String} to leave it open (the weights still need {@code weights.length}).
   */
  static byte[] regressor(float[] weights, float bias, Object batch, Object features) {
    int width = weights.length;
    ProtoWriter graph = graph("regressor",
        List.of(
            node("MatMul", "", "matmul", List.of("input", "W"), List.of("mm"), List.of()),
            node("Add", "", "add", List.of("mm", "B"), List.of("score"), List.of())),
        List.of(floatTensor("W", new long[] {width, 1}, weights), floatTensor("B", new long[] {1}, new float[] {bias})),
        List.of(valueInfo("input", tensorType(FLOAT, batch, features))),
        List.of(valueInfo("score", tensorType(FLOAT, batch, 1L))));
    return model(graph, false);
  }

  /** Input {@code input} float {@code [N, width]}, cast to {@code elemType} as output {@code output}. */
  static byte[] cast(int elemType, long width) {
    ProtoWriter graph = graph("cast",
        List.of(node("Cast", "", "cast", List.of("input"), List.of("output"), List.of(intAttribute("to", elemType)))),
        List.of(),
        List.of(valueInfo("input", tensorType(FLOAT, BATCH, width))),
        List.of(valueInfo("output", tensorType(elemType, BATCH, width))));
    return model(graph, false);
  }

  /** Like {@link #regressor} but of any input dimensions, for shapes the loader must refuse or handle. */
  static byte[] identity(int elemType, Object... inputDims) {
    ProtoWriter graph = graph("identity",
        List.of(node("Identity", "", "identity", List.of("input"), List.of("output"), List.of())),
        List.of(),
        List.of(valueInfo("input", tensorType(elemType, inputDims))),
        List.of(valueInfo("output", tensorType(elemType, inputDims))));
    return model(graph, false);
  }

  /** A model with two float inputs added together, which the loader must refuse. */
  static byte[] twoInputs() {
    ProtoWriter graph = graph("two_inputs",
        List.of(node("Add", "", "add", List.of("a", "b"), List.of("sum"), List.of())),
        List.of(),
        List.of(valueInfo("a", tensorType(FLOAT, BATCH, 3L)), valueInfo("b", tensorType(FLOAT, BATCH, 3L))),
        List.of(valueInfo("sum", tensorType(FLOAT, BATCH, 3L))));
    return model(graph, false);
  }

  /**
   * A regressor with two float outputs, {@code first = input · W1 + b1} and {@code second = input · W2 +
   * b2}, for output selection by name.
   */
  static byte[] twoOutputs(float[] w1, float b1, float[] w2, float b2) {
    long width = w1.length;
    ProtoWriter graph = graph("two_outputs",
        List.of(
            node("MatMul", "", "matmul1", List.of("input", "W1"), List.of("mm1"), List.of()),
            node("Add", "", "add1", List.of("mm1", "B1"), List.of("first"), List.of()),
            node("MatMul", "", "matmul2", List.of("input", "W2"), List.of("mm2"), List.of()),
            node("Add", "", "add2", List.of("mm2", "B2"), List.of("second"), List.of())),
        List.of(
            floatTensor("W1", new long[] {width, 1}, w1), floatTensor("B1", new long[] {1}, new float[] {b1}),
            floatTensor("W2", new long[] {width, 1}, w2), floatTensor("B2", new long[] {1}, new float[] {b2})),
        List.of(valueInfo("input", tensorType(FLOAT, BATCH, width))),
        List.of(valueInfo("first", tensorType(FLOAT, BATCH, 1L)), valueInfo("second", tensorType(FLOAT, BATCH, 1L))));
    return model(graph, false);
  }

  /**
   * A binary logistic regression in skl2onnx's shape: LinearClassifier with coefficients {@code [-w, w]}
   * and intercepts {@code [-b, b]} and a LOGISTIC post-transform, so the scores are {@code [1 - p, p]} with
   * {@code p = 1 / (1 + e^-(w·x + b))}; then ZipMap, or not.
   */
  static byte[] binaryClassifier(float[] w, float b, boolean zipMap) {
    float[] coefficients = new float[2 * w.length];
    for (int i = 0; i < w.length; i++) {
      coefficients[i] = -w[i];
      coefficients[w.length + i] = w[i];
    }
    List<ProtoWriter> nodes = new ArrayList<>();
    String scores = zipMap ? "probability_tensor" : "probabilities";
    nodes.add(node("LinearClassifier", ML, "linear_classifier", List.of("float_input"), List.of("label", scores),
        List.of(
            floatsAttribute("coefficients", coefficients),
            intsAttribute("classlabels_ints", new long[] {0, 1}),
            floatsAttribute("intercepts", new float[] {-b, b}),
            intAttribute("multi_class", 0),
            stringAttribute("post_transform", "LOGISTIC"))));
    ProtoWriter probabilities;
    if (zipMap) {
      nodes.add(node("ZipMap", ML, "zipmap", List.of(scores), List.of("probabilities"),
          List.of(intsAttribute("classlabels_int64s", new long[] {0, 1}))));
      probabilities = valueInfo("probabilities", sequenceOfMapsType(INT64));
    } else {
      probabilities = valueInfo("probabilities", tensorType(FLOAT, BATCH, 2L));
    }
    ProtoWriter graph = graph(zipMap ? "binary_zipmap" : "binary_tensor", nodes, List.of(),
        List.of(valueInfo("float_input", tensorType(FLOAT, BATCH, (long) w.length))),
        List.of(valueInfo("label", tensorType(INT64, BATCH)), probabilities));
    return model(graph, true);
  }

  /**
   * A multi-class softmax regression with string labels: LinearClassifier (post_transform SOFTMAX) and
   * ZipMap with string keys.
   */
  static byte[] multiClassClassifier(float[][] w, float[] b, String[] labels) {
    int width = w[0].length;
    float[] coefficients = new float[w.length * width];
    for (int c = 0; c < w.length; c++) {
      System.arraycopy(w[c], 0, coefficients, c * width, width);
    }
    ProtoWriter graph = graph("multiclass_zipmap",
        List.of(
            node("LinearClassifier", ML, "linear_classifier", List.of("float_input"),
                List.of("label", "probability_tensor"),
                List.of(
                    stringsAttribute("classlabels_strings", labels),
                    floatsAttribute("coefficients", coefficients),
                    floatsAttribute("intercepts", b),
                    intAttribute("multi_class", 1),
                    stringAttribute("post_transform", "SOFTMAX"))),
            node("ZipMap", ML, "zipmap", List.of("probability_tensor"), List.of("probabilities"),
                List.of(stringsAttribute("classlabels_strings", labels)))),
        List.of(),
        List.of(valueInfo("float_input", tensorType(FLOAT, BATCH, (long) width))),
        List.of(valueInfo("label", tensorType(STRING, BATCH)), valueInfo("probabilities", sequenceOfMapsType(STRING))));
    return model(graph, true);
  }

  /** A regressor whose input {@code int_input} is an int64 tensor, cast to float inside the graph. */
  static byte[] int64Input(float[] weights, float bias) {
    int width = weights.length;
    ProtoWriter graph = graph("int64_input",
        List.of(
            node("Cast", "", "cast", List.of("int_input"), List.of("as_float"), List.of(intAttribute("to", FLOAT))),
            node("MatMul", "", "matmul", List.of("as_float", "W"), List.of("mm"), List.of()),
            node("Add", "", "add", List.of("mm", "B"), List.of("score"), List.of())),
        List.of(floatTensor("W", new long[] {width, 1}, weights), floatTensor("B", new long[] {1}, new float[] {bias})),
        List.of(valueInfo("int_input", tensorType(INT64, BATCH, (long) width))),
        List.of(valueInfo("score", tensorType(FLOAT, BATCH, 1L))));
    return model(graph, false);
  }

  // ------------------------------------------------------------------ onnx.proto messages

  /** ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8. */
  private static byte[] model(ProtoWriter graph, boolean ml) {
    ProtoWriter model = new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "registry-onnx-fixtures")
        .string(3, "1")
        .message(7, graph)
        .message(8, opset("", OPSET));
    if (ml) {
      model.message(8, opset(ML, ML_OPSET));
    }
    return model.toByteArray();
  }

  /** OperatorSetIdProto: domain = 1, version = 2. */
  private static ProtoWriter opset(String domain, long version) {
    ProtoWriter opset = new ProtoWriter();
    if (!domain.isEmpty()) {
      opset.string(1, domain);
    }
    return opset.varint(2, version);
  }

  /** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
  private static ProtoWriter graph(String name, List<ProtoWriter> nodes, List<ProtoWriter> initializers,
      List<ProtoWriter> inputs, List<ProtoWriter> outputs) {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    return graph;
  }

  /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7. */
  private static ProtoWriter node(String opType, String domain, String name, List<String> inputs,
      List<String> outputs, List<ProtoWriter> attributes) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(i -> node.string(1, i));
    outputs.forEach(o -> node.string(2, o));
    node.string(3, name).string(4, opType);
    attributes.forEach(a -> node.message(5, a));
    if (!domain.isEmpty()) {
      node.string(7, domain);
    }
    return node;
  }

  /** AttributeProto: name = 1, i = 3, s = 4, floats = 7, ints = 8, strings = 9, type = 20. */
  private static ProtoWriter intAttribute(String name, long value) {
    return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT);
  }

  private static ProtoWriter stringAttribute(String name, String value) {
    return new ProtoWriter().string(1, name).string(4, value).varint(20, ATTR_STRING);
  }

  /** Repeated floats unpacked, as proto2 writes a repeated field not marked packed. */
  private static ProtoWriter floatsAttribute(String name, float[] values) {
    ProtoWriter attribute = new ProtoWriter().string(1, name);
    for (float v : values) {
      attribute.fixed32(7, v);
    }
    return attribute.varint(20, ATTR_FLOATS);
  }

  private static ProtoWriter intsAttribute(String name, long[] values) {
    ProtoWriter attribute = new ProtoWriter().string(1, name);
    for (long v : values) {
      attribute.varint(8, v);
    }
    return attribute.varint(20, ATTR_INTS);
  }

  private static ProtoWriter stringsAttribute(String name, String[] values) {
    ProtoWriter attribute = new ProtoWriter().string(1, name);
    for (String v : values) {
      attribute.string(9, v);
    }
    return attribute.varint(20, ATTR_STRINGS);
  }

  /** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian IEEE 754 floats). */
  private static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
    ProtoWriter tensor = new ProtoWriter();
    for (long d : dims) {
      tensor.varint(1, d);
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return tensor.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
  }

  /** ValueInfoProto: name = 1, type = 2. */
  private static ProtoWriter valueInfo(String name, ProtoWriter type) {
    return new ProtoWriter().string(1, name).message(2, type);
  }

  /**
   * TypeProto with tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2; TensorShapeProto: dim = 1;
   * Dimension: dim_value = 1, dim_param = 2.
   *
   * @param dims a {@code Long} for a fixed dimension, a {@code String} for a named dynamic one
   */
  private static ProtoWriter tensorType(int elemType, Object... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object d : dims) {
      ProtoWriter dim = d instanceof Long value
          ? new ProtoWriter().varint(1, value)
          : new ProtoWriter().string(2, (String) d);
      shape.message(1, dim);
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, elemType).message(2, shape);
    return new ProtoWriter().message(1, tensor);
  }

  /**
   * TypeProto with sequence_type = 4 (TypeProto.Sequence: elem_type = 1) of map_type = 5 (TypeProto.Map:
   * key_type = 1, value_type = 2), the values float tensors without a shape: ZipMap's output type.
   */
  private static ProtoWriter sequenceOfMapsType(int keyType) {
    ProtoWriter floatValue = new ProtoWriter().message(1, new ProtoWriter().varint(1, FLOAT));
    ProtoWriter map = new ProtoWriter().varint(1, keyType).message(2, floatValue);
    ProtoWriter mapType = new ProtoWriter().message(5, map);
    ProtoWriter sequence = new ProtoWriter().message(1, mapType);
    return new ProtoWriter().message(4, sequence);
  }
}
