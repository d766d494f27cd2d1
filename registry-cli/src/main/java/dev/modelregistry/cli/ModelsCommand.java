package dev.modelregistry.cli;

import dev.modelregistry.VersionId;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code models}: every model under the store's root. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List every model in the store: folders with a latest.json or version folders.")
final class ModelsCommand extends StoreCommand {

  ModelsCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Catalog catalog = new Catalog(store);
    List<Map<String, Object>> models = new ArrayList<>();
    for (String model : catalog.models()) {
      StoreReader.PointerRead pointer = catalog.reader().readPointer(model, null);
      List<VersionId> versions = catalog.reader().versions(model);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", model);
      row.put("serving", pointer.pointer() == null ? null : pointer.pointer().version().value());
      row.put("pointer_error", pointer.malformed());
      row.put("versions", versions.size());
      row.put("newest", versions.isEmpty() ? null : versions.get(versions.size() - 1).value());
      models.add(row);
    }
    Output output = new Output(context);
    if (json) {
      output.json(Map.of("store", store.description(), "models", models));
      return ExitCodes.OK;
    }
    if (models.isEmpty()) {
      output.line("no models in " + store.description());
      return ExitCodes.OK;
    }
    output.row("MODEL", "SERVING", "VERSIONS", "NEWEST");
    for (Map<String, Object> m : models) {
      String serving = m.get("pointer_error") != null ? "(malformed pointer)" : Output.orDash(m.get("serving"));
      output.row(m.get("model").toString(), serving, m.get("versions").toString(), Output.orDash(m.get("newest")));
    }
    output.table();
    return ExitCodes.OK;
  }
}
