package dev.modelregistry.internal;

import dev.modelregistry.ModelLoadException;
import dev.modelregistry.ModelSource;
import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a verified cached version into a {@link LoadedVersion}: picks the loader for its format, loads,
 * checks the model against the schema, and runs the warm-up gate. A version that fails any step is closed
 * and never served. Thread-safe if the loaders are.
 */
final class VersionLoader {

  private static final Logger log = LoggerFactory.getLogger(VersionLoader.class);

  private final Map<String, ModelLoader> loaders;
  private final Clock clock;
  private final boolean recordStats;

  VersionLoader(List<ModelLoader> explicit, boolean discover, Clock clock, boolean recordStats) {
    Map<String, ModelLoader> byFormat = new LinkedHashMap<>();
    if (discover) {
      discover(VersionLoader.class.getClassLoader(), byFormat);
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null && context != VersionLoader.class.getClassLoader()) {
        discover(context, byFormat);
      }
    }
    for (ModelLoader loader : explicit) {
      byFormat.put(loader.format(), loader);
    }
    this.loaders = Map.copyOf(byFormat);
    this.clock = clock;
    this.recordStats = recordStats;
  }

  /** Adds the loaders {@link ServiceLoader} finds; one that cannot be created is skipped with a warning. */
  private static void discover(ClassLoader classLoader, Map<String, ModelLoader> byFormat) {
    Iterator<ModelLoader> it = ServiceLoader.load(ModelLoader.class, classLoader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return;
        }
        ModelLoader loader = it.next();
        byFormat.putIfAbsent(loader.format(), loader);
      } catch (ServiceConfigurationError | LinkageError e) {
        log.warn("a model loader on the classpath could not be created and is skipped: {}", e.toString());
      }
    }
  }

  /** The formats this registry can load. */
  List<String> formats() {
    return loaders.keySet().stream().sorted().toList();
  }

  LoadedVersion load(LocalCache.CachedVersion cached, ModelSource source) {
    String model = cached.model();
    String version = cached.version().value();
    ModelArtifacts artifacts = new ModelArtifacts(
        model,
        cached.version(),
        cached.directory(),
        cached.files().stream().filter(f -> !f.equals(StorageFormat.MANIFEST)).toList(),
        cached.manifest(),
        cached.features(),
        cached.metrics());
    ModelLoader loader = loaderFor(artifacts);
    Predictor predictor;
    try {
      predictor = loader.load(artifacts);
    } catch (OutOfMemoryError e) {
      throw new ModelLoadException(model, version,
          "the " + loader.format() + " loader ran out of memory loading it (" + e.getMessage() + "); it is"
              + " retried with backoff. Give the JVM more memory or publish a smaller model", e);
    } catch (Exception e) {
      throw new ModelLoadException(model, version,
          "the " + loader.format() + " loader could not load it: " + e.getMessage(), e);
    } catch (LinkageError | StackOverflowError e) {
      throw new ModelLoadException(model, version,
          "the " + loader.format() + " loader could not load it: " + e, e);
    }
    boolean ok = false;
    try {
      if (predictor == null) {
        throw new ModelLoadException(model, version, "the " + loader.format() + " loader returned no model");
      }
      validate(artifacts, predictor);
      LoadedVersion loaded = new LoadedVersion(model, cached.version(), source, predictor,
          cached.features(), cached.metrics(), cached.manifest(), cached.directory(), Instant.now(clock),
          recordStats);
      loaded.weightBytes = weight(predictor, cached);
      warmUp(artifacts, predictor, loaded.width());
      ok = true;
      return loaded;
    } finally {
      if (!ok && predictor != null) {
        closeQuietly(model, version, predictor);
      }
    }
  }

  private ModelLoader loaderFor(ModelArtifacts artifacts) {
    String model = artifacts.model();
    String version = artifacts.version().value();
    Optional<String> format = artifacts.manifestFormat();
    if (format.isEmpty()) {
      format = Formats.infer(artifacts.directory(), artifacts.files());
    }
    if (format.isEmpty()) {
      List<ModelLoader> recognizing = new ArrayList<>();
      for (ModelLoader loader : loaders.values()) {
        if (loader.recognizes(artifacts)) {
          recognizing.add(loader);
        }
      }
      if (recognizing.size() == 1) {
        return recognizing.get(0);
      }
      throw new ModelLoadException(model, version,
          "cannot tell the format of its files " + artifacts.files() + " (known formats: "
              + String.join(", ", formats()) + "); publish it with a manifest.json that names the format,"
              + " or name the model file model.ubj, model.onnx or model.json");
    }
    ModelLoader loader = loaders.get(format.get());
    if (loader == null) {
      throw new ModelLoadException(model, version,
          "its format is " + format.get() + ", and no loader for it is on the classpath (loaders: "
              + String.join(", ", formats()) + "); add the module for " + format.get()
              + " (registry-xgboost, registry-onnx) or pass a ModelLoader to the builder");
    }
    return loader;
  }

  private static void validate(ModelArtifacts artifacts, Predictor predictor) {
    OptionalInt width = predictor.inputWidth();
    if (!artifacts.features().isEmpty() && width.isPresent() && width.getAsInt() != artifacts.features().size()) {
      throw new ModelLoadException(artifacts.model(), artifacts.version().value(),
          "schema.json lists " + artifacts.features().size() + " features " + artifacts.features()
              + " but the model expects " + width.getAsInt() + "; the version is not loaded");
    }
  }

  private static void warmUp(ModelArtifacts artifacts, Predictor predictor, int width) {
    Warmup warmup;
    if (artifacts.has(StorageFormat.WARMUP)) {
      try {
        warmup = Warmup.parse(Files.readAllBytes(artifacts.file(StorageFormat.WARMUP)));
      } catch (IOException | IllegalArgumentException e) {
        throw new ModelLoadException(artifacts.model(), artifacts.version().value(),
            "warmup.json could not be read: " + e.getMessage(), e);
      }
    } else {
      warmup = Warmup.zeroRow(width);
    }
    @Nullable String failure = warmup.run(predictor, width);
    if (failure != null) {
      throw new ModelLoadException(artifacts.model(), artifacts.version().value(),
          failure + "; the version is not served");
    }
  }

  private static void closeQuietly(String model, String version, Predictor predictor) {
    try {
      predictor.close();
    } catch (RuntimeException e) {
      log.warn("model {} {}: closing the rejected model threw", model, version, e);
    }
  }

  /** The loader's estimate of the model's memory, else the bytes of its files. */
  private static long weight(Predictor predictor, LocalCache.CachedVersion cached) {
    java.util.OptionalLong estimate;
    try {
      estimate = predictor.memoryBytes();
    } catch (RuntimeException e) {
      estimate = java.util.OptionalLong.empty();
    }
    if (estimate.isPresent() && estimate.getAsLong() >= 0) {
      return estimate.getAsLong();
    }
    long bytes = 0;
    for (dev.modelregistry.Manifest.FileEntry entry : cached.entries()) {
      bytes += Math.max(0, entry.size());
    }
    return bytes;
  }
}
