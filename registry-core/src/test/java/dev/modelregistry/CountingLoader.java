package dev.modelregistry;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loader of format {@code counting} ({@code model.txt} holding one number, the output) that counts
 * opens and closes and fails loudly when a closed model is used, as a native model would crash.
 */
final class CountingLoader implements ModelLoader {

  final List<CountingPredictor> opened = new CopyOnWriteArrayList<>();
  final AtomicInteger usedAfterClose = new AtomicInteger();

  static Publication version(float value) {
    return Publication.builder()
        .file("model.txt", Float.toString(value).getBytes(UTF_8))
        .format("counting")
        .build();
  }

  @Override
  public String format() {
    return "counting";
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    float value = Float.parseFloat(Files.readString(artifacts.file("model.txt")).trim());
    CountingPredictor predictor = new CountingPredictor(artifacts.version().value(), value, this);
    opened.add(predictor);
    return predictor;
  }

  long open() {
    return opened.stream().filter(p -> p.closes.get() == 0).count();
  }

  static final class CountingPredictor implements Predictor {
    final String version;
    final float value;
    final AtomicInteger closes = new AtomicInteger();
    private final CountingLoader loader;
    private volatile boolean closed;

    CountingPredictor(String version, float value, CountingLoader loader) {
      this.version = version;
      this.value = value;
      this.loader = loader;
    }

    @Override
    public float[] predict(float[] features) {
      if (closed) {
        loader.usedAfterClose.incrementAndGet();
        throw new AssertionError("model " + version + " used after close");
      }
      float[] out = {value};
      if (closed) {
        loader.usedAfterClose.incrementAndGet();
        throw new AssertionError("model " + version + " closed during predict");
      }
      return out;
    }

    @Override
    public OptionalInt inputWidth() {
      return OptionalInt.of(2);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      closed = true;
    }
  }
}
