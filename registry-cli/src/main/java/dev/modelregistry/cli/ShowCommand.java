package dev.modelregistry.cli;

import dev.modelregistry.Manifest;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code show <model> [version]}: the pointer, and one version's manifest, metrics, schema and files. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show a model's pointer and one version: manifest, metrics, schema and files."
        + " The version defaults to the one the pointer names, else the newest.")
final class ShowCommand extends StoreCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Parameters(index = "1", arity = "0..1", paramLabel = "<version>", description = "The version, for example v3.")
  @Nullable String version;

  ShowCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Catalog catalog = new Catalog(store);
    Pointer pointer = catalog.requireModel(model).orElse(null);
    VersionId target = version != null ? VersionId.of(version) : defaultVersion(catalog, pointer);
    VersionInfo info = catalog.requireVersion(model, target);
    StoreReader.VersionContents contents = catalog.contents(model, target);
    Manifest manifest = contents.manifest();

    List<Map<String, Object>> files = new ArrayList<>();
    for (Listing.Entry file : contents.files()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", file.name());
      row.put("size", file.size());
      row.put("sha256", manifest == null ? null : manifest.file(file.name()).map(Manifest.FileEntry::sha256).orElse(null));
      files.add(row);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", model);
    result.put("version", target.value());
    result.put("state", Catalog.state(info.state()));
    result.put("role", Catalog.role(pointer, target));
    result.put("pointer", pointer == null ? null : Catalog.pointerJson(pointer));
    result.put("format", manifest == null ? null : manifest.format());
    result.put("created_at", manifest == null ? null : manifest.createdAt());
    result.put("metrics", info.metrics());
    result.put("features", info.features());
    result.put("training", manifest == null ? Map.of() : manifest.training());
    result.put("files", files);

    Output output = new Output(context);
    if (json) {
      output.json(result);
      return ExitCodes.OK;
    }
    String role = Catalog.role(pointer, target);
    output.row("model", model);
    output.row("version", target.value() + (role == null ? "" : " (" + role + ")"));
    output.row("state", Catalog.state(info.state()) + (manifest == null ? " (no manifest.json: files cannot be verified)" : ""));
    output.row("pointer", pointer == null ? "none" : describe(pointer));
    output.row("format", Output.orDash(result.get("format")));
    output.row("created", Output.orDash(result.get("created_at")));
    output.row("metrics", Output.metrics(info.metrics()));
    output.row("features", info.features().isEmpty() ? "-" : String.join(", ", info.features()));
    output.row("training", manifest == null || manifest.training().isEmpty() ? "-"
        : manifest.training().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .sorted().collect(Collectors.joining(", ")));
    output.row("files", files.size() + " (" + Progress.bytes(files.stream().mapToLong(f -> (Long) f.get("size")).sum()) + ")");
    output.table();
    for (Map<String, Object> file : files) {
      output.row("  " + file.get("name"), Progress.bytes((Long) file.get("size")),
          file.get("sha256") == null ? "" : "sha256 " + file.get("sha256"));
    }
    output.table();
    return ExitCodes.OK;
  }

  private VersionId defaultVersion(Catalog catalog, @Nullable Pointer pointer) throws IOException {
    if (pointer != null) {
      return pointer.version();
    }
    List<VersionId> versions = catalog.reader().versions(model);
    if (versions.isEmpty()) {
      throw CliException.notFound("model " + model + " has no versions");
    }
    return versions.get(versions.size() - 1);
  }

  static String describe(Pointer pointer) {
    StringBuilder text = new StringBuilder(pointer.version().value());
    if (pointer.updatedBy() != null || pointer.updatedAt() != null) {
      text.append(", moved");
      if (pointer.updatedBy() != null) {
        text.append(" by ").append(pointer.updatedBy());
      }
      if (pointer.updatedAt() != null) {
        text.append(" at ").append(pointer.updatedAt());
      }
    }
    if (pointer.reason() != null) {
      text.append(": ").append(pointer.reason());
    }
    if (pointer.previous() != null) {
      text.append(" (previous ").append(pointer.previous().value()).append(")");
    }
    return text.toString();
  }
}
