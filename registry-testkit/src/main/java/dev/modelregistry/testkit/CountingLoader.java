package dev.modelregistry.testkit;

import dev.modelregistry.spi.ModelArtifacts;
import dev.modelregistry.spi.ModelLoader;
import dev.modelregistry.spi.Predictor;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a loader to count the models it opens, how often each is closed, and calls made on a closed one.
 * Thread-safe.
 */
final class CountingLoader implements ModelLoader {

  final ModelLoader delegate;
  final List<CountedPredictor> opened = new CopyOnWriteArrayList<>();
  final AtomicInteger usedAfterClose = new AtomicInteger();

  CountingLoader(ModelLoader delegate) {
    this.delegate = delegate;
  }

  @Override
  public String format() {
    return delegate.format();
  }

  @Override
  public Predictor load(ModelArtifacts artifacts) throws IOException {
    CountedPredictor p = new CountedPredictor(delegate.load(artifacts), usedAfterClose);
    opened.add(p);
    return p;
  }

  @Override
  public boolean recognizes(ModelArtifacts artifacts) {
    return delegate.recognizes(artifacts);
  }

  int open() {
    return (int) opened.stream().filter(p -> p.closes.get() == 0).count();
  }

  int closedOnce() {
    return (int) opened.stream().filter(p -> p.closes.get() == 1).count();
  }

  int closedMoreThanOnce() {
    return (int) opened.stream().filter(p -> p.closes.get() > 1).count();
  }

  /** A predictor that counts its closes; a call on it once closed is counted (the real one is not called). */
  static final class CountedPredictor implements Predictor {
    final Predictor delegate;
    final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger usedAfterClose;

    CountedPredictor(Predictor delegate, AtomicInteger usedAfterClose) {
      this.delegate = delegate;
      this.usedAfterClose = usedAfterClose;
    }

    private void checkOpen() {
      if (closes.get() != 0) {
        usedAfterClose.incrementAndGet();
        throw new IllegalStateException("a closed model was called");
      }
    }

    @Override
    public float[] predict(float[] features) {
      checkOpen();
      return delegate.predict(features);
    }

    @Override
    public float[][] predict(float[][] rows) {
      checkOpen();
      return delegate.predict(rows);
    }

    @Override
    public OptionalInt inputWidth() {
      return delegate.inputWidth();
    }

    @Override
    public OptionalLong memoryBytes() {
      return delegate.memoryBytes();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
      return delegate.unwrap(type);
    }

    @Override
    public void close() {
      if (closes.incrementAndGet() == 1) {
        delegate.close();
      }
    }
  }
}
