package dev.modelregistry.cli;

import dev.modelregistry.PruneReport;
import dev.modelregistry.Retention;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prune <model> --keep-last N [--keep-newer-than P30D] [--dry-run]}: deletes old versions by policy. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Delete a model's old versions, never the serving, canary, shadow or previous one, nor one a"
        + " racing promote points to; the model's policy.json retention is a floor.")
final class PruneCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Option(names = "--keep-last", paramLabel = "<n>", description = "Keep the newest n versions.")
  @Nullable Integer keepLast;

  @Option(names = "--keep-newer-than", paramLabel = "<duration>",
      description = "Keep versions created less than this long ago (ISO-8601, for example P30D).")
  @Nullable Duration keepNewerThan;

  @Option(names = "--protect", split = ",", paramLabel = "<version>", description = "Versions never to delete.")
  @Nullable Set<String> protect;

  @Option(names = "--dry-run", description = "List what would be deleted, and delete nothing.")
  boolean dryRun;

  PruneCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    if (keepLast == null && keepNewerThan == null) {
      throw CliException.usage("give --keep-last <n> and/or --keep-newer-than <duration>");
    }
    new Catalog(store).requireModel(model);
    Retention retention = new Retention(keepLast == null ? 0 : keepLast, keepNewerThan,
        protect == null ? Set.of() : protect.stream().map(VersionId::of).collect(java.util.stream.Collectors.toSet()));
    PruneReport report = dryRun
        ? publisher(store, VersionScheme.SEQUENTIAL).previewPrune(model, retention)
        : publisher(store, VersionScheme.SEQUENTIAL).prune(model, retention);
    Output output = new Output(context);
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("dry_run", report.dryRun());
      result.put("deleted", report.deleted().stream().map(VersionId::value).toList());
      Map<String, String> kept = new LinkedHashMap<>();
      report.kept().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> kept.put(e.getKey().value(), e.getValue()));
      result.put("kept", kept);
      output.json(result);
    } else {
      String verb = report.dryRun() ? "would delete" : "deleted";
      output.line("model " + model + ": " + verb + " " + (report.deleted().isEmpty() ? "nothing"
          : String.join(", ", report.deleted().stream().map(VersionId::value).toList())));
      report.kept().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> output.line("  kept " + e.getKey().value() + ": " + e.getValue()));
    }
    return ExitCodes.OK;
  }
}
