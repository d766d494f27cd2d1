package dev.modelregistry.cli;

import dev.modelregistry.Pointer;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code versions <model>}: every version with its state, metrics, creation time, size and role. */
@Command(name = "versions", mixinStandardHelpOptions = true,
    description = "List the versions of a model: state, created, size, metrics, and which is serving or previous.")
final class VersionsCommand extends StoreCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  VersionsCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Catalog catalog = new Catalog(store);
    Pointer pointer = catalog.requireModel(model).orElse(null);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (VersionInfo info : catalog.publisher().versions(model)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("version", info.version().value());
      row.put("state", Catalog.state(info.state()));
      row.put("role", Catalog.role(pointer, info.version()));
      row.put("format", info.manifest() == null ? null : info.manifest().format());
      row.put("created_at", info.manifest() == null ? null : info.manifest().createdAt());
      row.put("size", catalog.size(info));
      row.put("files", info.files());
      row.put("metrics", info.metrics());
      versions.add(row);
    }
    Output output = new Output(context);
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("serving", pointer == null ? null : pointer.version().value());
      result.put("previous", pointer == null || pointer.previous() == null ? null : pointer.previous().value());
      result.put("versions", versions);
      output.json(result);
      return ExitCodes.OK;
    }
    output.row("VERSION", "STATE", "ROLE", "CREATED", "SIZE", "METRICS");
    for (Map<String, Object> v : versions) {
      @SuppressWarnings("unchecked")
      Map<String, Double> metrics = (Map<String, Double>) v.get("metrics");
      output.row(v.get("version").toString(), v.get("state").toString(), Output.orDash(v.get("role")),
          Output.orDash(v.get("created_at")), Progress.bytes((Long) v.get("size")), Output.metrics(metrics));
    }
    output.table();
    return ExitCodes.OK;
  }
}
