package dev.modelregistry.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

/**
 * xgboost4j logs through commons-logging; this module must bring exactly one copy of it (no bridge jar
 * next to it, which duplicated {@code org.apache.commons.logging} in Spring Boot jars), and that copy must
 * end up in slf4j.
 */
class LoggingDependenciesTest {

  @Test
  void oneCommonsLoggingOnTheClasspathAndItLogsToSlf4j() throws Exception {
    List<URL> copies = Collections.list(
        getClass().getClassLoader().getResources("org/apache/commons/logging/LogFactory.class"));

    assertThat(copies).hasSize(1);
    assertThat(copies.get(0).toString()).contains("commons-logging-1.3");
    assertThat(LogFactory.getLog("ml.dmlc.xgboost4j.java.XGBoost").getClass().getName()).contains("Slf4j");
  }
}
