package dev.modelregistry.benchmarks;

import dev.modelregistry.InMemoryModelStore;
import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.Publication;
import dev.modelregistry.VersionId;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.linear.LinearModelLoader;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The models the benchmarks serve, each as a registry (through the whole pipeline: publish, load, verify,
 * warm up) and as the same model loaded directly, for the baseline. Not thread-safe; used from setup only.
 */
final class Fixtures {

  static final String MODEL = "t20_win_predictor";

  /** The linear model: logistic regression on the five chase features. */
  static final LinearModel LINEAR = LinearModel.logistic(1.2f, -0.012f, 0f, 0.42f, 0.62f, -0.62f);

  /** XGBoost: 100 trees of depth 6 on 12 features. */
  static final int XGB_FEATURES = 12;

  private Fixtures() {}

  /** A registry serving {@code publication} as {@link #MODEL}, polling off, in a fresh temporary cache. */
  static Served serve(Publication publication) {
    return serve(publication, false);
  }

  /** The same, optionally recording prediction stats. */
  static Served serve(Publication publication, boolean recordPredictionStats) {
    try {
      Path cache = Files.createTempDirectory("bench-cache");
      InMemoryModelStore store = new InMemoryModelStore("bench");
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("bench").build();
      VersionId v = publisher.publish(MODEL, publication).version();
      publisher.promote(MODEL, v.value(), null);
      ModelRegistry registry = ModelRegistry.builder()
          .store(store)
          .cacheDirectory(cache)
          .polling(false)
          .captureLeaseStacks(false)
          .leaseWarningAfter(Duration.ZERO)
          .recordPredictionStats(recordPredictionStats)
          .model(MODEL)
          .build();
      return new Served(registry, cache);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A registry that discovers {@code models} linear models ({@link #manyName}), polling off, in a fresh
   * temporary cache, bounded to {@code maximumModels} when that is positive. Each model is asked for once, so
   * the local cache holds every version and the bound's eviction has run.
   */
  static Served serveMany(int models, long maximumModels) {
    try {
      Path cache = Files.createTempDirectory("bench-cache");
      InMemoryModelStore store = new InMemoryModelStore("bench");
      ModelPublisher publisher = ModelPublisher.builder(store).publishedBy("bench").build();
      for (int i = 0; i < models; i++) {
        publisher.promote(manyName(i), publisher.publish(manyName(i), linearPublication()).version().value(), null);
      }
      ModelRegistry.Builder builder = ModelRegistry.builder()
          .store(store)
          .cacheDirectory(cache)
          .polling(false)
          .captureLeaseStacks(false)
          .leaseWarningAfter(Duration.ZERO)
          .discover(dev.modelregistry.ModelDiscovery.all());
      if (maximumModels > 0) {
        builder.maximumModels(maximumModels);
      }
      ModelRegistry registry = builder.build();
      for (int i = 0; i < models; i++) {
        registry.current(manyName(i));
      }
      return new Served(registry, cache);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The name of model {@code i} of {@link #serveMany}. */
  static String manyName(int i) {
    return String.format("m%05d", i);
  }

  /** A registry and its cache folder; closing deletes the folder. */
  record Served(ModelRegistry registry, Path cache) implements AutoCloseable {
    @Override
    public void close() {
      registry.close();
      try (Stream<Path> walk = Files.walk(cache)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static Publication linearPublication() {
    return Publication.builder().file("model.json", LINEAR.toJson()).build();
  }

  /** The linear model loaded directly, without a registry. */
  static Predictor linearDirect() {
    return loadDirect(new LinearModelLoader(), "model.json", LINEAR.toJson());
  }

  /** The model bytes of a trained booster, in UBJSON. */
  static byte[] trainXgboost() {
    return trainXgboost("ubj");
  }

  /**
   * The model bytes of the benchmarks' booster (binary:logistic, 100 trees of depth 6 on 12 features,
   * trained on 2,000 random rows, seed 1) in {@code format}: {@code ubj}, {@code json} or {@code deprecated}
   * (the legacy binary).
   */
  static byte[] trainXgboost(String format) {
    return TRAINED.computeIfAbsent(format, Fixtures::train).clone();
  }

  /** Models already trained, by format: training takes seconds and every trial needs the same model. */
  private static final Map<String, byte[]> TRAINED = new HashMap<>();

  private static byte[] train(String format) {
    try {
      Random random = new Random(1);
      int rows = 2000;
      float[] data = new float[rows * XGB_FEATURES];
      float[] labels = new float[rows];
      for (int i = 0; i < rows; i++) {
        double score = 0;
        for (int j = 0; j < XGB_FEATURES; j++) {
          float v = random.nextFloat();
          data[i * XGB_FEATURES + j] = v;
          score += (j % 3 == 0 ? 1 : -0.5) * v;
        }
        labels[i] = score + 0.1 * random.nextGaussian() > 0 ? 1 : 0;
      }
      DMatrix train = new DMatrix(data, rows, XGB_FEATURES, Float.NaN);
      train.setLabel(labels);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", 6);
      params.put("eta", 0.3);
      params.put("nthread", 1);
      Booster booster = XGBoost.train(train, params, 100, new HashMap<>(), null, null);
      byte[] model = booster.toByteArray(format);
      booster.dispose();
      train.dispose();
      return model;
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ONNX model the benchmarks serve: a logistic-regression classifier exported without ZipMap (its probabilities as a float tensor), the export the ONNX loader recommends; a copy of registry-onnx's test fixture of the same name, made by its OnnxFixtures. */
  static byte[] onnxModel() {
    try (InputStream in = Fixtures.class.getResourceAsStream("/binary_tensor.onnx")) {
      if (in == null) {
        throw new IllegalStateException("binary_tensor.onnx is missing from the benchmarks' resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a model file directly with {@code loader}, as a caller without a registry would. */
  static Predictor loadDirect(ModelLoader loader, String fileName, byte[] content) {
    try {
      Path dir = Files.createTempDirectory("bench-direct");
      Files.write(dir.resolve(fileName), content);
      return loader.load(new ModelArtifacts("direct", VersionId.of("v1"), dir, List.of(fileName), null, List.of(),
          Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random rows of {@code width} features in [0, 1), scaled like chase features for the linear model. */
  static float[][] rows(int count, int width, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[count][width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        row[j] = random.nextFloat() * (width == 5 ? 10 : 1);
      }
    }
    return rows;
  }
}
