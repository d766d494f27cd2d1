package dev.modelregistry.onnx;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@code onnx} format with ONNX Runtime: {@code model.onnx} (or a version's only {@code .onnx}
 * or {@code .ort} file) becomes a session that serves {@code predict}. Immutable and thread-safe.
 *
 * <p>Found by {@link java.util.ServiceLoader} with {@linkplain OnnxOptions#defaults() the defaults} when
 * this module is on the classpath. To configure it, pass an instance to the registry, which then wins over
 * the discovered one:
 *
 * <pre>{@code
 * ModelRegistry.builder()
 *     .loader(new OnnxModelLoader(OnnxOptions.builder().intraOpThreads(2).output("probabilities").build()))
 * }</pre>
 *
 * <p>What a model must look like: exactly one input, a float tensor of shape {@code [N, features]} (the
 * batch dimension dynamic, or fixed at 1); its feature count, when fixed, must match {@code schema.json}.
 * The output returned is the one named in the options, else the first that holds floats: a float or
 * double tensor, or the sequence of maps that ZipMap makes. A classifier (such an output beside a label
 * output, or a ZipMap) returns its class probabilities, in class order; a binary one returns the positive
 * class's probability alone unless {@link OnnxOptions.BinaryOutput#BOTH_CLASSES} is set. Anything else is
 * refused at load with a message saying how to export the model instead, and the version is not served.
 *
 * <p>Raw access to the session is {@code lease.unwrap(OrtSession.class)}, valid while the lease is open.
 */
public final class OnnxModelLoader implements ModelLoader {

  /** The format name, {@code onnx}. */
  public static final String FORMAT = "onnx";

  /** The file a version's model is read from when it has several ONNX files. */
  static final String MODEL_FILE = "model.onnx";

  private static final Logger log = LoggerFactory.getLogger(OnnxModelLoader.class);

  private final OnnxOptions options;

  /** A loader with the defaults; called by {@link java.util.ServiceLoader}. */
  public OnnxModelLoader() {
    this(OnnxOptions.defaults());
  }

  /** A loader with these options. */
  public OnnxModelLoader(OnnxOptions options) {
    this.options = requireNonNull(options, "options");
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** The options this loader creates sessions with. */
  public OnnxOptions options() {
    return options;
  }

  /**
   * Loads a version: opens a session on its model file, inspects its input and outputs, and checks its
   * feature count against {@code schema.json}.
   *
   * @throws IllegalArgumentException if the file is not a model ONNX Runtime can load, or not one the
   *     registry can serve; the message says why and how to export it instead
   */
  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    String file = modelFile(artifacts);
    Path path = artifacts.file(file);
    if (Files.size(path) == 0) {
      throw new IllegalArgumentException(file + " is empty (0 bytes); export the model again and publish a new"
          + " version");
    }
    String label = "model " + artifacts.model() + " " + artifacts.version();
    OrtEnvironment env = Environment.get(); // on a thread of its own: see Environment for why
    OrtSession session = open(env, path.toString(), file);
    try {
      ModelSignature signature = ModelSignature.inspect(session, file, artifacts.features(), options);
      OnnxPredictor predictor = new OnnxPredictor(label, env, session, signature);
      log.debug("{}: loaded {}", label, predictor);
      if (signature.output().kind() == OutputReader.Kind.MAPS) {
        log.info("{}: returns the probabilities in output {}, ZipMap's sequence of maps, which ONNX Runtime's Java"
            + " API reads one map at a time (about 3.5 µs per row); export with"
            + " options={id(model): {\"zipmap\": False}} to get a float tensor, read in one copy", label,
            signature.output().name());
      }
      return predictor;
    } catch (OrtException e) {
      closeRejected(label, session);
      throw new IllegalArgumentException(
          "ONNX Runtime could not describe the inputs and outputs of " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeRejected(label, session);
      throw e;
    }
  }

  /**
   * Whether a version published without a manifest is an ONNX model: it has exactly one {@code .onnx} or
   * {@code .ort} (ONNX Runtime's own format) file. Versions with a {@code .onnx} file are told by the
   * registry itself; this adds {@code .ort}.
   */
  @Override
  public boolean recognizes(ModelArtifacts artifacts) {
    return onnxFiles(artifacts.files()).size() == 1;
  }

  private OrtSession open(OrtEnvironment env, String path, String file) {
    try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
      try {
        options.configure(sessionOptions);
      } catch (OrtException e) {
        throw new IllegalStateException("the ONNX Runtime session options could not be set (" + options + "): "
            + e.getMessage() + "; fix the OnnxOptions given to OnnxModelLoader", e);
      }
      return Sessions.open(env, path, sessionOptions);
    } catch (OrtException e) {
      if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF) {
        throw new IllegalArgumentException(file + " is not a valid ONNX model: it could not be parsed (it may be"
            + " truncated, or not an ONNX file); export the model again and publish a new version ("
            + e.getMessage() + ")", e);
      }
      throw new IllegalArgumentException("ONNX Runtime " + env.getVersion() + " could not load " + file + " ("
          + e.getCode() + ": " + e.getMessage() + "); check that the file is a complete ONNX model and that its"
          + " opset is one this ONNX Runtime supports, then publish a new version", e);
    }
  }

  private static void closeRejected(String label, OrtSession session) {
    try {
      Sessions.close(session);
    } catch (OrtException | RuntimeException e) {
      log.warn("{}: closing the session of a refused model failed", label, e);
    }
  }

  /** {@code model.onnx}, else the version's only {@code .onnx} or {@code .ort} file. */
  private static String modelFile(ModelArtifacts artifacts) {
    if (artifacts.has(MODEL_FILE)) {
      return MODEL_FILE;
    }
    List<String> candidates = onnxFiles(artifacts.files());
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("the version has no .onnx file (files: " + artifacts.files()
          + "); publish the model as " + MODEL_FILE);
    }
    throw new IllegalArgumentException("the version has several ONNX files " + candidates + " and no "
        + MODEL_FILE + "; name the one to serve " + MODEL_FILE);
  }

  private static List<String> onnxFiles(List<String> files) {
    return files.stream()
        .filter(f -> {
          String lower = f.toLowerCase(Locale.ROOT);
          return lower.endsWith(".onnx") || lower.endsWith(".ort");
        })
        .sorted()
        .toList();
  }

  @Override
  public String toString() {
    return "OnnxModelLoader[" + options + "]";
  }
}
