package dev.modelregistry.cli;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** A command that writes through the core's {@link ModelPublisher}: same claims, same compare-and-set. */
abstract class WriteCommand extends StoreCommand {

  @Option(names = "--as", paramLabel = "<name>",
      description = "Who publishes, recorded in pointers and history. Default: <user>@<host>.")
  @Nullable String publishedBy;

  WriteCommand(CliContext context) {
    super(context);
  }

  @Override
  final boolean writes() {
    return true;
  }

  ModelPublisher publisher(WritableModelStore store, VersionScheme scheme) {
    ModelPublisher.Builder builder = ModelPublisher.builder(store).versionScheme(scheme);
    if (publishedBy != null) {
      builder.publishedBy(publishedBy);
    }
    return builder.build();
  }

  /** Reports a pointer move: one line, or JSON. */
  void reportMove(String model, @Nullable Pointer before, Pointer after) {
    Output output = new Output(context);
    boolean moved = before == null || !before.equals(after);
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("moved", moved);
      result.putAll(Catalog.pointerJson(after));
      output.json(result);
    } else if (moved) {
      output.line("model " + model + ": " + (after.previous() == null ? "nothing" : after.previous().value())
          + " -> " + after.version().value() + " (move " + after.sequence() + ")");
    } else {
      output.line("model " + model + ": the pointer already names " + after.version().value() + "; nothing moved");
    }
  }
}
