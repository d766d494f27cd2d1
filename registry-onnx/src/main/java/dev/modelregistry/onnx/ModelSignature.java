package dev.modelregistry.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the loader reads from a session before serving it: the one float input, its shape, and the output
 * to return. Everything the registry cannot serve is refused here, with a message that says how to
 * export the model instead. Immutable.
 *
 * @param inputName the input's name
 * @param inputShape the input's shape as written in messages, e.g. {@code [N, 3]}
 * @param width the number of features, or -1 when the model leaves it open
 * @param batched whether the batch dimension is dynamic (otherwise it is fixed at 1)
 * @param output how to read the returned output
 */
record ModelSignature(String inputName, String inputShape, int width, boolean batched, OutputReader output) {

  /**
   * Inspects a session.
   *
   * @param file the model's file name, for messages
   * @param features the names in {@code schema.json}, or empty
   * @throws IllegalArgumentException if the registry cannot serve the model
   */
  static ModelSignature inspect(OrtSession session, String file, List<String> features, OnnxOptions options)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(file + " has " + inputs.size() + " inputs (" + describe(inputs)
          + "); the registry passes one row of features, so the model needs exactly one float input of shape"
          + " [N, features]: export it with the features concatenated into one input");
    }
    NodeInfo input = inputs.values().iterator().next();
    if (!(input.getInfo() instanceof TensorInfo tensor)) {
      throw new IllegalArgumentException(file + " takes its input " + input.getName() + " as a "
          + describe(input.getInfo()) + ", not a tensor; export the model with a float tensor input of shape"
          + " [N, features]");
    }
    if (tensor.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException(file + " takes its input " + input.getName() + " as a "
          + describe(tensor) + ", but the registry passes float32 features; export the model with a float"
          + " input (skl2onnx: initial_types=[(\"float_input\", FloatTensorType([None, n_features]))];"
          + " PyTorch: a torch.float32 example input), or cast inside the graph");
    }
    long[] shape = tensor.getShape();
    String shapeText = shape(tensor);
    if (shape.length != 2) {
      throw new IllegalArgumentException(file + "'s input " + input.getName() + " has shape " + shapeText
          + "; the registry needs [N, features], a batch dimension and then the features: export it with a"
          + " 2-D input");
    }
    boolean batched = shape[0] < 0;
    if (!batched && shape[0] != 1) {
      throw new IllegalArgumentException(file + "'s input " + input.getName() + " has shape " + shapeText
          + ", a fixed batch of " + shape[0] + " rows, but the registry predicts any number of rows: export it"
          + " with a dynamic batch dimension (skl2onnx: None as the first dimension; PyTorch:"
          + " dynamic_axes={\"" + input.getName() + "\": {0: \"N\"}}) or a batch of 1");
    }
    int width = shape[1] > 0 ? Math.toIntExact(shape[1]) : -1;
    if (width > 0 && !features.isEmpty() && features.size() != width) {
      throw new IllegalArgumentException("schema.json lists " + features.size() + " features " + features
          + " but " + file + "'s input " + input.getName() + " has shape " + shapeText + ", " + width
          + " features; publish the schema.json of the features this model was trained on");
    }
    return new ModelSignature(input.getName(), shapeText, width, batched, output(session, file, options));
  }

  private static OutputReader output(OrtSession session, String file, OnnxOptions options) throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    NodeInfo chosen;
    Optional<String> named = options.output();
    if (named.isPresent()) {
      chosen = outputs.get(named.get());
      if (chosen == null) {
        throw new IllegalArgumentException(file + " has no output named " + named.get() + " (outputs: "
            + describe(outputs) + "); set OnnxOptions.output(...) to one of them");
      }
    } else {
      chosen = outputs.values().stream().filter(o -> kind(o.getInfo()).isPresent()).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(file + " has no output the registry can return ("
              + describe(outputs) + "); it returns float or double tensors, or the sequence of maps that"
              + " ZipMap makes"));
    }
    OutputReader.Kind kind = kind(chosen.getInfo()).orElseThrow(() -> new IllegalArgumentException(
        file + "'s output " + chosen.getName() + " is a " + describe(chosen.getInfo()) + "; the registry"
            + " returns float or double tensors, or the sequence of maps that ZipMap makes: choose another"
            + " output with OnnxOptions.output(...) (outputs: " + describe(outputs) + ")"));
    if (chosen.getInfo() instanceof TensorInfo t && t.getShape().length == 0) {
      throw new IllegalArgumentException(file + "'s output " + chosen.getName() + " is a scalar; the registry"
          + " needs one value or one row of values per input row ([N] or [N, outputs])");
    }
    boolean classifier = kind == OutputReader.Kind.MAPS
        || outputs.values().stream().anyMatch(o -> o != chosen && isLabels(o.getInfo()));
    boolean collapse = classifier && options.binaryOutput() == OnnxOptions.BinaryOutput.POSITIVE_CLASS;
    return new OutputReader(chosen.getName(), describe(chosen.getInfo()), kind, classifier, collapse);
  }

  private static Optional<OutputReader.Kind> kind(ValueInfo info) {
    if (info instanceof TensorInfo t) {
      return switch (t.type) {
        case FLOAT -> Optional.of(OutputReader.Kind.FLOAT_TENSOR);
        case DOUBLE -> Optional.of(OutputReader.Kind.DOUBLE_TENSOR);
        default -> Optional.empty();
      };
    }
    if (info instanceof SequenceInfo s && s.isSequenceOfMaps()) {
      OnnxJavaType values = s.mapInfo.valueType;
      return values == OnnxJavaType.FLOAT || values == OnnxJavaType.DOUBLE
          ? Optional.of(OutputReader.Kind.MAPS)
          : Optional.empty();
    }
    return Optional.empty();
  }

  /** A classifier's predicted labels: a 1-D tensor of integers or strings next to the probabilities. */
  private static boolean isLabels(ValueInfo info) {
    return info instanceof TensorInfo t
        && t.getShape().length == 1
        && (t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32 || t.type == OnnxJavaType.STRING);
  }

  /** {@code name: type} for each value, for messages. */
  static String describe(Map<String, NodeInfo> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((name, node) -> parts.add(name + ": " + describe(node.getInfo())));
    return parts.stream().collect(Collectors.joining(", "));
  }

  /** A value's type as messages name it: {@code tensor of float [N, 3]}, {@code sequence of maps int64 → float}. */
  static String describe(ValueInfo info) {
    if (info instanceof TensorInfo t) {
      return "tensor of " + typeName(t.type) + " " + shape(t);
    }
    if (info instanceof SequenceInfo s) {
      return s.isSequenceOfMaps()
          ? "sequence of maps " + mapTypes(s.mapInfo)
          : "sequence of " + typeName(s.sequenceType);
    }
    if (info instanceof MapInfo m) {
      return "map " + mapTypes(m);
    }
    return String.valueOf(info);
  }

  private static String mapTypes(MapInfo m) {
    return typeName(m.keyType) + " → " + typeName(m.valueType);
  }

  private static String typeName(OnnxJavaType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /** A shape with named dynamic dimensions by name ({@code [N, 3]}) and unnamed ones as {@code ?}. */
  static String shape(TensorInfo t) {
    long[] shape = t.getShape();
    String[] names = t.getDimensionNames();
    List<String> dims = new ArrayList<>(shape.length);
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0) {
        dims.add(Long.toString(shape[i]));
      } else {
        String name = names != null && i < names.length ? names[i] : "";
        dims.add(name == null || name.isEmpty() ? "?" : name);
      }
    }
    return "[" + String.join(", ", dims) + "]";
  }
}
