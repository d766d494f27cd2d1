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
import org.jspecify.annotations.Nullable;

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

  /**
   * A predictor that counts its closes; a call on it once closed is counted (the real one is not called).
   * Closing drops the real predictor, so that the count of every model ever opened does not keep them all
   * on the heap (a soak opens thousands; a pure-Java model lives on the heap, not in native memory).
   */
  static final class CountedPredictor implements Predictor {
    final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger usedAfterClose;
    private volatile @Nullable Predictor delegate;

    CountedPredictor(Predictor delegate, AtomicInteger usedAfterClose) {
      this.delegate = delegate;
      this.usedAfterClose = usedAfterClose;
    }

    private Predictor open() {
      Predictor delegate = this.delegate;
      if (closes.get() != 0 || delegate == null) {
        usedAfterClose.incrementAndGet();
        throw new IllegalStateException("a closed model was called");
      }
      return delegate;
    }

    @Override
    public float[] predict(float[] features) {
      return open().predict(features);
    }

    @Override
    public float[][] predict(float[][] rows) {
      return open().predict(rows);
    }

    @Override
    public OptionalInt inputWidth() {
      Predictor delegate = this.delegate;
      return delegate == null ? OptionalInt.empty() : delegate.inputWidth();
    }

    @Override
    public OptionalLong memoryBytes() {
      Predictor delegate = this.delegate;
      return delegate == null ? OptionalLong.empty() : delegate.memoryBytes();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
      Predictor delegate = this.delegate;
      return delegate == null ? Optional.empty() : delegate.unwrap(type);
    }

    @Override
    public void close() {
      Predictor delegate = this.delegate;
      if (closes.incrementAndGet() == 1 && delegate != null) {
        this.delegate = null;
        delegate.close();
      }
    }
  }
}
