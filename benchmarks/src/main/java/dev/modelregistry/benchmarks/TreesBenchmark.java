package dev.modelregistry.benchmarks;

import dev.modelregistry.spi.Predictor;
import dev.modelregistry.trees.TreeEnsembles;
import dev.modelregistry.xgboost.XGBoostModelLoader;
import dev.modelregistry.xgboost.XGBoostOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One XGBoost model (binary:logistic, 100 trees of depth 6, 12 features) evaluated by each implementation,
 * one row and a batch of 256 rows per call: the pure-Java evaluator as it lays the model out by default
 * ({@code trees}: single rows through leaf masks, batches bit-sliced), with single rows descending its
 * perfect layout ({@code treesPerfect}) and in its node layout, QuickScorer's
 * bit vectors, a hand-written flat baseline, h2o's xgboost-predictor, and xgboost4j. Time per call; divide the batch figure by 256 for a row.
 *
 * <p>Single-row calls cycle through {@value #DISTINCT} different rows: one row predicted again and again
 * would let the processor learn its path through every tree, flattering code that branches on the data.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TreesBenchmark {

  @Param({"trees", "treesPerfect", "treesNodes", "quickscorer", "flat", "h2o", "xgboost4j"})
  public String impl;

  @Param({"1", "256"})
  public int rows;

  static final int DISTINCT = 4096;

  private Predictor predictor;
  private float[][] singles;
  private float[][] batch;

  /** Which of the distinct rows a thread predicts next: per thread, so threads share no written state. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setUp() {
    predictor = switch (impl) {
      case "trees" -> TreeEnsembles.xgboost("model.ubj", Fixtures.trainXgboost("ubj"), Float.NaN);
      case "treesPerfect" -> TreeEnsembles.xgboost("model.ubj", Fixtures.trainXgboost("ubj"), Float.NaN,
          TreeEnsembles.Layout.PERFECT);
      case "treesNodes" -> TreeEnsembles.xgboost("model.ubj", Fixtures.trainXgboost("ubj"), Float.NaN,
          TreeEnsembles.Layout.NODES);
      case "quickscorer" -> QuickScorer.of(Fixtures.trainXgboost("json"));
      case "flat" -> FlatBaseline.of(Fixtures.trainXgboost("json"));
      case "h2o" -> new H2oPredictor(Fixtures.trainXgboost("deprecated"));
      case "xgboost4j" -> Fixtures.loadDirect(new XGBoostModelLoader(XGBoostOptions.builder()
          .evaluator(XGBoostOptions.Evaluator.NATIVE).build()), "model.ubj", Fixtures.trainXgboost("ubj"));
      default -> throw new IllegalArgumentException("impl " + impl);
    };
    batch = Fixtures.rows(rows, Fixtures.XGB_FEATURES, 7);
    singles = Fixtures.rows(DISTINCT, Fixtures.XGB_FEATURES, 8);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    predictor.close();
  }

  @Benchmark
  public Object predict(Cursor cursor) {
    if (rows == 1) {
      cursor.next = (cursor.next + 1) & (DISTINCT - 1);
      return predictor.predict(singles[cursor.next]);
    }
    return predictor.predict(batch);
  }
}
