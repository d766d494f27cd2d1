package dev.modelregistry.cli;

import dev.modelregistry.ModelPublisher;
import dev.modelregistry.Names;
import dev.modelregistry.Pointer;
import dev.modelregistry.Publication;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.VersionScheme;
import dev.modelregistry.internal.StorageFormat;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code publish <model> <folder>}: publishes the files of a folder as a new version through the core's
 * publisher, and prints the version.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish the files of a folder as a new version of a model and print the version.",
        "Metrics and schema come from metrics.json and schema.json in the folder, or from --metric and"
            + " --features; the manifest (size and SHA-256 of every file) is written last."})
final class PublishCommand extends WriteCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Parameters(index = "1", paramLabel = "<folder>", description = "The folder whose files make the version.")
  Path folder;

  @Option(names = "--metric", paramLabel = "<name>=<value>",
      description = "A training metric, for metrics.json; repeat for more.")
  Map<String, Double> metrics = new LinkedHashMap<>();

  @Option(names = "--features", split = ",", paramLabel = "<a,b,c>",
      description = "The ordered feature names, for schema.json.")
  List<String> features = new ArrayList<>();

  @Option(names = "--format", paramLabel = "<format>",
      description = "The format (xgboost, onnx, linear, ...). Default: told from the file names.")
  @Nullable String format;

  @Option(names = "--training", paramLabel = "<key>=<value>",
      description = "Free-form training information for the manifest (rows, git_sha, ...); repeat for more.")
  Map<String, String> training = new LinkedHashMap<>();

  @Option(names = "--timestamp-version", description = "Name the version v<yyyyMMdd_HHmmss> (UTC) instead of v<n+1>.")
  boolean timestampVersion;

  @Option(names = "--promote", description = "Also move the pointer to the new version.")
  boolean promote;

  @Option(names = "--reason", paramLabel = "<text>", description = "With --promote: why, for the history.")
  @Nullable String reason;

  PublishCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Names.requireModelName(model);
    if (reason != null && !promote) {
      throw CliException.usage("--reason goes with --promote");
    }
    Publication publication = publication(files());
    ModelPublisher publisher = publisher(new ProgressStore(store, new Progress(context)),
        timestampVersion ? VersionScheme.TIMESTAMP : VersionScheme.SEQUENTIAL);
    VersionInfo published = publisher.publish(model, publication);
    String version = published.version().value();
    long bytes = published.manifest() == null ? 0
        : published.manifest().files().stream().mapToLong(f -> f.size()).sum();
    context.err().println("published " + model + " " + version + " (" + Output.orDash(
        published.manifest() == null ? null : published.manifest().format()) + ", " + published.files().size()
        + " files, " + Progress.bytes(bytes) + ") to " + store.description());
    Pointer pointer = null;
    if (promote) {
      pointer = publisher.promote(model, version, reason);
      context.err().println("promoted " + model + " " + version + " (move " + pointer.sequence() + ")");
    }
    context.err().flush();
    Output output = new Output(context);
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("version", version);
      result.put("format", published.manifest() == null ? null : published.manifest().format());
      result.put("files", published.files());
      result.put("size", bytes);
      result.put("promoted", pointer != null);
      output.json(result);
    } else {
      output.line(version);
    }
    return ExitCodes.OK;
  }

  private List<Path> files() throws IOException {
    if (!Files.isDirectory(folder)) {
      throw CliException.usage("publish: " + folder + " is not a folder");
    }
    List<Path> files = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (Stream<Path> children = Files.list(folder)) {
      for (Path child : children.sorted().toList()) {
        String name = child.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isRegularFile(child)) {
          files.add(child);
        } else {
          skipped.add(name + "/");
        }
      }
    }
    if (!skipped.isEmpty()) {
      throw CliException.usage("publish: " + folder + " holds folders " + skipped
          + "; a version is flat, one level of files: move them out or publish their files");
    }
    if (files.isEmpty()) {
      throw CliException.usage("publish: " + folder + " holds no files");
    }
    return files;
  }

  private Publication publication(List<Path> files) {
    Publication.Builder builder = Publication.builder();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (!metrics.isEmpty() && name.equals(StorageFormat.METRICS)) {
        throw CliException.usage("publish: both --metric and " + file + " give metrics; give one");
      }
      if (!features.isEmpty() && name.equals(StorageFormat.SCHEMA)) {
        throw CliException.usage("publish: both --features and " + file + " give the schema; give one");
      }
      builder.file(file);
    }
    if (!metrics.isEmpty()) {
      builder.metrics(metrics);
    }
    if (!features.isEmpty()) {
      builder.features(features);
    }
    if (format != null) {
      builder.format(format);
    }
    builder.training(training);
    return builder.build();
  }
}
