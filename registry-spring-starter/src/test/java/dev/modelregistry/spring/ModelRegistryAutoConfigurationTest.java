package dev.modelregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.ModelRegistry;
import dev.modelregistry.ModelSource;
import dev.modelregistry.PointerMove;
import dev.modelregistry.Publication;
import dev.modelregistry.filesystem.FilesystemModelStore;
import dev.modelregistry.linear.LinearModel;
import dev.modelregistry.spi.ModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class ModelRegistryAutoConfigurationTest {

  private static final String MODEL = "t20_win_predictor";

  @TempDir Path dir;
  private ModelPublisher publisher;

  @BeforeEach
  void publishAModel() {
    publisher = ModelPublisher.on(FilesystemModelStore.of(dir.resolve("store")));
    release(0.25f);
  }

  private String release(float value) {
    String version = publisher.publish(MODEL, Publication.builder()
        .file("model.json", LinearModel.constant(value, 2).toJson())
        .features(List.of("runs_needed", "balls_left"))
        .build()).version().value();
    publisher.promote(MODEL, version, null);
    return version;
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            ModelRegistryAutoConfiguration.class,
            ModelRegistryHealthAutoConfiguration.class,
            ModelRegistryMetricsAutoConfiguration.class,
            ModelsEndpointAutoConfiguration.class,
            HealthContributorAutoConfiguration.class,
            EndpointAutoConfiguration.class))
        .withPropertyValues(
            "model-registry.store.filesystem.root=" + dir.resolve("store"),
            "model-registry.cache-directory=" + dir.resolve("cache"),
            "model-registry.models." + MODEL + ".required=true",
            "management.endpoints.web.exposure.include=health,models");
  }

  // ------------------------------------------------------------------ beans and back-off

  @Test
  void configuresARegistryItsStoreHealthMetricsAndEndpointFromProperties() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(ModelRegistry.class);
      assertThat(context).getBean(ModelStore.class).isInstanceOf(FilesystemModelStore.class);
      assertThat(context).hasSingleBean(ModelReadinessGate.class);
      assertThat(context).hasBean("modelsHealthContributor");
      assertThat(context).hasSingleBean(ModelRegistryMetrics.class);
      assertThat(context).hasSingleBean(ModelsEndpoint.class);
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      assertThat(registry.current(MODEL).predict(new float[] {40, 30})).containsExactly(0.25f);
      assertThat(registry.status(MODEL).source()).isEqualTo(ModelSource.STORE);
    });
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnRegistry() {
    runner().withUserConfiguration(OwnRegistry.class).run(context -> {
      assertThat(context).hasSingleBean(ModelRegistry.class);
      assertThat(context.getBean(ModelRegistry.class)).isSameAs(context.getBean(OwnRegistry.class).registry);
      assertThat(context).hasSingleBean(ModelsEndpoint.class);
    });
  }

  @Test
  void backsOffFromTheStoreWhenTheApplicationDefinesOne() {
    runner().withUserConfiguration(OwnStore.class).run(context -> {
      assertThat(context).hasSingleBean(ModelStore.class).hasBean("myStore");
      assertThat(context.getBean(ModelRegistry.class).current(MODEL).version()).isEqualTo("v1");
    });
  }

  @Test
  void theEnabledFlagTurnsEverythingOff() {
    runner().withPropertyValues("model-registry.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(ModelRegistry.class);
      assertThat(context).doesNotHaveBean(ModelStore.class);
      assertThat(context).doesNotHaveBean(ModelRegistryMetrics.class);
      assertThat(context).doesNotHaveBean(ModelsEndpoint.class);
      assertThat(context).doesNotHaveBean("modelsHealthContributor");
    });
  }

  @Test
  void withoutTheActuatorTheRegistryStillWorks() {
    runner().withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(ModelRegistry.class);
      assertThat(context).doesNotHaveBean(ModelsEndpoint.class);
      assertThat(context).doesNotHaveBean("modelsHealthContributor");
    });
  }

  @Test
  void withoutMicrometerThereAreNoMetrics() {
    runner().withClassLoader(new FilteredClassLoader(MeterBinder.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(ModelRegistryMetrics.class);
    });
  }

  @Test
  void storeTypeS3WithoutTheS3ModuleFailsSayingWhatToAdd() {
    runner()
        .withClassLoader(new FilteredClassLoader("dev.modelregistry.s3"))
        .withPropertyValues("model-registry.store.type=s3", "model-registry.store.s3.bucket=models")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("model-registry.store.type=s3 needs the S3 store on the classpath")
            .hasMessageContaining("dev.modelregistry:registry-s3"));
  }

  // ------------------------------------------------------------------ properties

  @Test
  void propertiesBindIntoTheRegistry() {
    release(0.5f);
    runner()
        .withPropertyValues(
            "model-registry.poll-interval=5s",
            "model-registry.models." + MODEL + ".pinned-version=v1",
            "model-registry.models.odi_win_predictor.required=false")
        .run(context -> {
          ModelRegistry registry = context.getBean(ModelRegistry.class);
          assertThat(registry.models()).containsExactly(MODEL, "odi_win_predictor");
          assertThat(registry.status(MODEL).pinnedVersion()).isEqualTo("v1");
          assertThat(registry.current(MODEL).predict(new float[] {1, 1})).containsExactly(0.25f);
          assertThat(registry.status("odi_win_predictor").required()).isFalse();
          ModelRegistryProperties properties = context.getBean(ModelRegistryProperties.class);
          assertThat(properties.getPollInterval()).hasSeconds(5);
        });
  }

  @Test
  void anUnknownStoreTypeIsABindingErrorNamingThePropertyAndValue() {
    runner().withPropertyValues("model-registry.store.type=gcs").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("model-registry.store.type")
          .hasStackTraceContaining("gcs");
    });
  }

  @Test
  void anS3StoreWithoutBucketFailsSayingWhichProperty() {
    runner().withPropertyValues("model-registry.store.type=s3").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("model-registry.store.s3.bucket must be set when model-registry.store.type=s3"));
  }

  @Test
  void aFilesystemStoreWithoutRootFailsSayingWhichProperty() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ModelRegistryAutoConfiguration.class))
        .withPropertyValues("model-registry.models." + MODEL + ".required=true")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("model-registry.store.filesystem.root must be set"));
  }

  @Test
  void aFallbackLocationThatDoesNotExistFailsStartupSayingWhichProperty() {
    runner()
        .withPropertyValues("model-registry.fallback-location=classpath:bundled-modelz")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("classpath folder 'bundled-modelz' does not exist"));
    runner()
        .withPropertyValues("model-registry.fallback-location=classpath:bundled-modelz")
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
            "model-registry.fallback-location=classpath:bundled-modelz is refused"));
  }

  @Test
  void aHostS3ClientIsUsedAndNeverClosed() {
    S3Client client = spy(S3Client.builder()
        .region(Region.EU_WEST_1)
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build());
    runner()
        .withBean(S3Client.class, () -> client, definition -> definition.setDestroyMethodName(""))
        .withPropertyValues("model-registry.store.type=s3", "model-registry.store.s3.bucket=cricksy-ml-models",
            "model-registry.models." + MODEL + ".required=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ModelStore.class).description()).isEqualTo("s3://cricksy-ml-models/models");
        });
    verify(client, never()).close();
    client.close();
  }

  @Test
  void customizersAdjustTheBuilder() {
    List<String> events = new CopyOnWriteArrayList<>();
    runner()
        .withBean(ModelRegistryCustomizer.class, () -> builder -> builder.listener(new dev.modelregistry.RegistryListener() {
          @Override
          public void onEvent(dev.modelregistry.RegistryEvent event) {
            events.add(event.getClass().getSimpleName());
          }
        }))
        .run(context -> assertThat(events).contains("Loaded", "Swapped"));
  }

  @Test
  void configurationMetadataDescribesEveryProperty() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      String metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String property : List.of("model-registry.enabled", "model-registry.store.type",
          "model-registry.store.filesystem.root", "model-registry.store.s3.bucket", "model-registry.store.s3.prefix",
          "model-registry.store.s3.region", "model-registry.store.s3.endpoint", "model-registry.store.s3.path-style-access",
          "model-registry.cache-directory", "model-registry.poll-interval", "model-registry.fallback-location",
          "model-registry.models", "model-registry.endpoint.write-operations-enabled")) {
        assertThat(metadata).contains("\"name\": \"" + property + "\"");
      }
      assertThat(metadata).contains("\"description\": \"Bucket holding the models. Required with store type s3.\"");
    }
  }

  // ------------------------------------------------------------------ health, readiness, metrics, endpoint

  @Test
  void healthIsUpPerLoadedModelWithItsDetails() {
    runner().run(context -> {
      CompositeHealthContributor models = context.getBean("modelsHealthContributor", CompositeHealthContributor.class);
      Health health = ((HealthIndicator) models.getContributor(MODEL)).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("version", "v1").containsEntry("source", "store")
          .containsEntry("required", true).containsKey("loadedAt").containsKey("lastPoll");
    });
  }

  @Test
  void aRequiredModelThatIsNotLoadedIsDownAndKeepsReadinessRefused() {
    List<ReadinessState> readiness = new CopyOnWriteArrayList<>();
    runner()
        .withPropertyValues("model-registry.models.odi_win_predictor.required=true")
        .withBean(ReadinessRecorder.class, () -> new ReadinessRecorder(readiness))
        .run(context -> {
          assertThat(context).hasNotFailed();
          CompositeHealthContributor models = context.getBean("modelsHealthContributor", CompositeHealthContributor.class);
          Health odi = ((HealthIndicator) models.getContributor("odi_win_predictor")).health();
          assertThat(odi.getStatus()).isEqualTo(Status.DOWN);
          assertThat(((Map<?, ?>) odi.getDetails().get("lastFailure")).get("message").toString())
              .contains("could not be loaded from any source");

          ModelReadinessGate gate = context.getBean(ModelReadinessGate.class);
          gate.applicationReady();
          assertThat(readiness).containsExactly(ReadinessState.REFUSING_TRAFFIC);
          assertThat(gate.missingRequiredModels()).containsExactly("odi_win_predictor");

          String version = publisher.publish("odi_win_predictor", Publication.builder()
              .file("model.json", LinearModel.constant(1, 2).toJson()).build()).version().value();
          publisher.promote("odi_win_predictor", version, null);
          context.getBean(ModelRegistry.class).refresh();
          assertThat(readiness).containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC);
          assertThat(((HealthIndicator) models.getContributor("odi_win_predictor")).health().getStatus())
              .isEqualTo(Status.UP);
        });
  }

  @Test
  void metricsShowVersionsSwapsPollsAndPredictionTimesPerVersion() {
    runner().run(context -> {
      MeterRegistry meters = new SimpleMeterRegistry();
      context.getBean(ModelRegistryMetrics.class).bindTo(meters);
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      for (int i = 0; i < 5; i++) {
        registry.current(MODEL).predict(new float[] {1, 2});
      }
      assertThat(meters.get("model.registry.version").tags("model", MODEL, "version", "v1", "source", "store")
          .gauge().value()).isEqualTo(1);
      assertThat(meters.get("model.registry.predictions").tags("model", MODEL, "version", "v1").functionTimer()
          .count()).isEqualTo(5);
      assertThat(meters.get("model.registry.loaded").tags("model", MODEL).gauge().value()).isEqualTo(1);

      release(0.75f);
      registry.refresh();
      assertThat(meters.get("model.registry.swaps").tags("model", MODEL).functionCounter().count()).isEqualTo(1);
      assertThat(meters.get("model.registry.version").tags("model", MODEL, "version", "v2").gauge().value()).isEqualTo(1);
      assertThat(meters.find("model.registry.version").tags("version", "v1").gauge()).isNull();
      assertThat(meters.get("model.registry.poll").tags("model", MODEL, "result", "changed").timer().count())
          .isEqualTo(1);
      registry.current(MODEL).predict(new float[] {1, 2});
      assertThat(meters.get("model.registry.predictions").tags("model", MODEL, "version", "v2").functionTimer()
          .count()).isEqualTo(1);
      org.awaitility.Awaitility.await().until(() ->
          meters.find("model.registry.predictions").tags("version", "v1").functionTimer() == null);
    });
  }

  @Test
  void springBootBindsTheMetricsToItsMeterRegistry() {
    runner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> assertThat(context.getBean(SimpleMeterRegistry.class)
            .find("model.registry.loaded").tags("model", MODEL).gauge()).isNotNull());
  }

  @Test
  void theEndpointListsModelsVersionsAndHistoryAndRefuseWritesUnlessEnabled() {
    runner().run(context -> {
      release(0.5f);
      ModelsEndpoint endpoint = context.getBean(ModelsEndpoint.class);
      assertThat(endpoint.models().get("models")).asList().hasSize(1);
      Map<String, Object> model = endpoint.model(MODEL);
      assertThat(model).containsEntry("version", "v1");
      assertThat((List<?>) model.get("versions")).hasSize(2);
      assertThat((List<?>) model.get("history")).hasSize(2);
      assertThat(endpoint.model("nothing")).isNull();

      WebEndpointResponse<Map<String, Object>> refresh = endpoint.act(MODEL, "refresh", null, null, SecurityContext.NONE);
      assertThat(refresh.getStatus()).isEqualTo(200);
      assertThat(refresh.getBody()).containsEntry("version", "v2");

      WebEndpointResponse<Map<String, Object>> pin = endpoint.act(MODEL, "pin", "v1", null, SecurityContext.NONE);
      assertThat(pin.getStatus()).isEqualTo(403);
      assertThat(pin.getBody().get("error").toString()).contains("model-registry.endpoint.write-operations-enabled=true");
      assertThat(endpoint.act(MODEL, "explode", null, null, SecurityContext.NONE).getStatus()).isEqualTo(400);
      assertThat(endpoint.act("nothing", "refresh", null, null, SecurityContext.NONE).getStatus()).isEqualTo(404);
    });
  }

  @Test
  void enabledWriteOperationsPinPromoteAndRollBack() {
    release(0.5f);
    runner().withPropertyValues("model-registry.endpoint.write-operations-enabled=true").run(context -> {
      ModelsEndpoint endpoint = context.getBean(ModelsEndpoint.class);
      ModelRegistry registry = context.getBean(ModelRegistry.class);
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");

      assertThat(endpoint.act(MODEL, "pin", "v1", null, SecurityContext.NONE).getBody()).containsEntry("pinnedVersion", "v1");
      assertThat(registry.current(MODEL).version()).isEqualTo("v1");
      assertThat(endpoint.act(MODEL, "unpin", null, null, SecurityContext.NONE).getBody()).containsEntry("version", "v2");

      assertThat(endpoint.act(MODEL, "rollback", null, "bad numbers", SecurityContext.NONE).getBody()).containsEntry("version", "v1");
      assertThat(publisher.pointer(MODEL).orElseThrow().version().value()).isEqualTo("v1");
      assertThat(endpoint.act(MODEL, "promote", "v2", "fixed", SecurityContext.NONE).getBody()).containsEntry("version", "v2");
      assertThat(endpoint.act(MODEL, "pin", "v9", null, SecurityContext.NONE).getStatus()).isEqualTo(409);
      assertThat(publisher.history(MODEL)).last().extracting(PointerMove::by).asString().startsWith("actuator@");
      assertThat(endpoint.act(MODEL, "promote", null, null, SecurityContext.NONE).getStatus()).isEqualTo(400);
    });
  }

  @Test
  void promoteAndRollbackRecordTheAuthenticatedUser() {
    release(0.5f);
    runner().withPropertyValues("model-registry.endpoint.write-operations-enabled=true").run(context -> {
      ModelsEndpoint endpoint = context.getBean(ModelsEndpoint.class);
      SecurityContext alice = new SecurityContext() {
        @Override
        public Principal getPrincipal() {
          return () -> "alice";
        }

        @Override
        public boolean isUserInRole(String role) {
          return true;
        }
      };

      assertThat(endpoint.act(MODEL, "rollback", null, "bad numbers", alice).getStatus()).isEqualTo(200);
      assertThat(endpoint.act(MODEL, "promote", "v2", "fixed", alice).getStatus()).isEqualTo(200);

      List<PointerMove> history = publisher.history(MODEL);
      assertThat(history.subList(history.size() - 2, history.size())).extracting(PointerMove::by)
          .containsExactly("alice", "alice");
      assertThat(publisher.pointer(MODEL).orElseThrow().updatedBy()).isEqualTo("alice");
    });
  }

  @Test
  void theEndpointRefusesAMoveToACorruptVersionAndAMoveTheGatesRefuse() throws Exception {
    release(0.5f);
    Path stored = dir.resolve("store").resolve(MODEL).resolve("v1").resolve("model.json");
    byte[] corrupt = Files.readAllBytes(stored);
    corrupt[corrupt.length / 2] ^= 1;
    Files.write(stored, corrupt);
    runner().withPropertyValues("model-registry.endpoint.write-operations-enabled=true").run(context -> {
      ModelsEndpoint endpoint = context.getBean(ModelsEndpoint.class);
      ModelRegistry registry = context.getBean(ModelRegistry.class);

      WebEndpointResponse<Map<String, Object>> rollback = endpoint.act(MODEL, "rollback", null, "v2 looks off");
      assertThat(rollback.getStatus()).isEqualTo(409);
      assertThat(rollback.getBody().get("error").toString())
          .contains("cannot point to v1: it fails verification: model.json has sha256");
      assertThat(publisher.pointer(MODEL).orElseThrow().version().value()).isEqualTo("v2");
      assertThat(registry.current(MODEL).version()).isEqualTo("v2");

      Files.writeString(dir.resolve("store").resolve(MODEL).resolve("policy.json"),
          "{\"gates\": [\"accuracy >= 0.70\"], \"retention\": {\"keep_last\": 5}}");
      publisher.publish(MODEL, Publication.builder()
          .file("model.json", LinearModel.constant(0.75f, 2).toJson())
          .features(List.of("runs_needed", "balls_left"))
          .metrics(Map.of("accuracy", 0.6))
          .build());

      WebEndpointResponse<Map<String, Object>> promote = endpoint.act(MODEL, "promote", "v3", "try it");
      assertThat(promote.getStatus()).isEqualTo(422);
      assertThat(promote.getBody().get("error").toString()).contains("accuracy 0.600 < 0.700");
      assertThat((List<?>) promote.getBody().get("verdicts")).singleElement()
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("gate", "accuracy >= 0.700").containsEntry("passed", false);
      assertThat(endpoint.act(MODEL, "canary", "v3", null, 10.0, null, null).getStatus()).isEqualTo(422);
      assertThat(endpoint.act(MODEL, "canary", "v3", null, 10.0, null, true).getStatus())
          .as("a forced move needs a reason").isEqualTo(400);
      assertThat(endpoint.act(MODEL, "canary", "v3", null, null, null, null).getStatus()).isEqualTo(400);
      assertThat(endpoint.act(MODEL, "shadow-stop", null, null, null, null, true).getStatus()).isEqualTo(400);

      assertThat(endpoint.act(MODEL, "canary", "v3", "watched closely", 10.0, null, true).getStatus()).isEqualTo(200);
      assertThat(publisher.pointer(MODEL).orElseThrow().canary().percent()).isEqualTo(10.0);
      assertThat(endpoint.act(MODEL, "canary-percent", null, null, 25.0, null, null).getStatus()).isEqualTo(200);
      assertThat(publisher.pointer(MODEL).orElseThrow().canary().percent()).isEqualTo(25.0);
      assertThat(endpoint.act(MODEL, "canary-promote", null, null).getStatus()).isEqualTo(422);
      assertThat(endpoint.act(MODEL, "canary-abort", null, "enough").getStatus()).isEqualTo(200);
      assertThat(publisher.pointer(MODEL).orElseThrow().canary()).isNull();
      assertThat(endpoint.act(MODEL, "canary-promote", null, null).getStatus()).as("no canary").isEqualTo(409);
      assertThat(endpoint.act(MODEL, "shadow", "v3", null, null, 0.25, null).getStatus()).isEqualTo(200);
      assertThat(publisher.pointer(MODEL).orElseThrow().shadow().sample()).isEqualTo(0.25);
      assertThat(endpoint.act(MODEL, "shadow-stop", null, null).getStatus()).isEqualTo(200);
      assertThat(publisher.pointer(MODEL).orElseThrow().shadow()).isNull();
      assertThat(endpoint.act(MODEL, "promote", "v3", "approved", null, null, true).getStatus()).isEqualTo(200);
      assertThat(publisher.history(MODEL).get(publisher.history(MODEL).size() - 1).forced()).isTrue();

      Map<String, Object> model = endpoint.model(MODEL);
      assertThat((List<?>) model.get("versions")).hasSize(3);
      assertThat(model.get("versions").toString()).contains("states=[complete, serving]");
      assertThat((List<?>) model.get("runs")).hasSize(3);
      assertThat(model.get("policy").toString()).contains("accuracy >= 0.700").contains("keepLast=5");
    });
  }

  @Test
  void theRolloutActionsAreRefusedUnlessWriteOperationsAreEnabled() {
    release(0.5f);
    runner().run(context -> {
      ModelsEndpoint endpoint = context.getBean(ModelsEndpoint.class);
      for (String action : List.of("canary", "canary-percent", "canary-promote", "canary-abort", "shadow",
          "shadow-stop")) {
        assertThat(endpoint.act(MODEL, action, "v1", null, 10.0, 0.5, null).getStatus()).as(action).isEqualTo(403);
      }
      assertThat(publisher.pointer(MODEL).orElseThrow().canary()).isNull();
    });
  }

  // ------------------------------------------------------------------ fixtures

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    final ModelRegistry registry = mock(ModelRegistry.class);

    @Bean
    ModelRegistry modelRegistry() {
      return registry;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    @Bean
    ModelStore myStore(ModelRegistryProperties properties) {
      return FilesystemModelStore.of(properties.getStore().getFilesystem().getRoot());
    }
  }

  /** Records readiness changes. */
  static final class ReadinessRecorder implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {
    private final List<ReadinessState> states;

    ReadinessRecorder(List<ReadinessState> states) {
      this.states = states;
    }

    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
      states.add(event.getState());
    }
  }
}
