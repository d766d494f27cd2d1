package dev.modelregistry.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelregistry.Publication;
import dev.modelregistry.testkit.ManyModelsSoak;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;

/**
 * 300 XGBoost models (60 trees each) behind a bound that holds about 30, eight threads asking for Zipf-distributed names, in
 * a child JVM: boosters are loaded, evicted and disposed all the time, and none is disposed under a running
 * prediction (which would crash the child), none twice, and resident memory stops growing.
 */
class XGBoostManyModelsSoakTest {

  private static final int MODELS = 300;

  @Test
  void threeHundredBoostersUnderABoundOfThirtyWithoutACrashOrALeak() throws Exception {
    Path work = Files.createTempDirectory("xgb-many-models");
    ManyModelsSoak.Report report = ManyModelsSoak.runForked(SoakMain.class,
        List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"), List.of(work.toString(), "30"), Duration.ofSeconds(90));
    report.assertSound();
    // RSS is sampled every tenth of the run (the heap is committed up front, so what grows is native). A
    // booster leaked per eviction would add at least its file's size per eviction (about 87 KiB here): over
    // the second half, after warm-up, growth must stay under a tenth of that.
    List<Long> rss = report.rssKb();
    long growthKb = rss.get(rss.size() - 1) - rss.get(rss.size() / 2);
    long leakKb = report.evictions() / 2 * (report.modelWeightBytes() / 1024);
    System.out.println("RSS KiB: " + rss + "; second half growth " + growthKb + " KiB over about "
        + report.evictions() / 2 + " evictions; a booster leaked per eviction would be " + leakKb + " KiB");
    assertThat(growthKb).as("RSS growth over the second half, KiB (%s)", rss).isLessThan(leakKb / 10);
  }

  /** The child: trains tiny boosters, runs the soak and prints the report. */
  public static final class SoakMain {
    public static void main(String[] args) throws Exception {
      int seconds = Integer.parseInt(args[1]);
      float[][] rows = Boosters.rows(1, Boosters.FEATURES, 3);
      Publication[] versions = new Publication[MODELS];
      float[][] expected = new float[MODELS][];
      for (int i = 0; i < MODELS; i++) {
        Booster booster = Boosters.train("binary:logistic", 60, Boosters.FEATURES, 100 + i, false);
        versions[i] = Boosters.publication(booster, "ubj", "model.ubj", List.of());
        expected[i] = Boosters.direct(booster, rows)[0];
        booster.dispose();
      }
      ManyModelsSoak.Report report = ManyModelsSoak.run(new ManyModelsSoak.Setup(
          new XGBoostModelLoader(), i -> versions[i], i -> expected[i], rows[0], 0.0,
          MODELS, 30, 8, Duration.ofSeconds(seconds), 1.0, Path.of(args[0])));
      System.out.println(ManyModelsSoak.REPORT + " " + report.toJson());
      System.exit(0);
    }
  }
}
