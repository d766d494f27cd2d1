package dev.modelregistry.cli;

import dev.modelregistry.Manifest;
import dev.modelregistry.Pointer;
import dev.modelregistry.VersionId;
import dev.modelregistry.VersionInfo;
import dev.modelregistry.internal.Sha256;
import dev.modelregistry.internal.StorageFormat;
import dev.modelregistry.internal.StoreReader;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code verify <model> [version]}: downloads every file of a version and checks its size and SHA-256
 * against the manifest, as a registry does before it serves a version.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Download every file of a version and check its size and SHA-256 against manifest.json.",
        "The version defaults to the one the pointer names. Exit code 0: verified; 3: a file does not match"
            + " (or the version is incomplete); 5: unverified, the version has no manifest."})
final class VerifyCommand extends StoreCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  @Parameters(index = "1", arity = "0..1", paramLabel = "<version>", description = "The version. Default: the pointer's.")
  @Nullable String version;

  VerifyCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Catalog catalog = new Catalog(store);
    Pointer pointer = catalog.requireModel(model).orElse(null);
    if (version == null && pointer == null) {
      throw CliException.notFound("model " + model + " has no pointer (latest.json); name the version to verify");
    }
    VersionId target = version != null ? VersionId.of(version) : pointer.version();
    catalog.requireVersion(model, target);
    StoreReader.VersionContents contents = catalog.contents(model, target);
    Output output = new Output(context);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", model);
    result.put("version", target.value());
    Manifest manifest = contents.manifest();
    if (contents.state() != VersionInfo.State.COMPLETE || manifest == null) {
      boolean incomplete = contents.state() == VersionInfo.State.INCOMPLETE;
      String why = incomplete
          ? "incomplete: claimed by a publisher that never wrote manifest.json; it is never served"
          : "unverified: no manifest.json, so there is nothing to check the files against";
      result.put("result", incomplete ? "incomplete" : "unverified");
      result.put("message", "model " + model + " " + target + ": " + why);
      result.put("files", List.of());
      report(output, result, List.of());
      return incomplete ? ExitCodes.REFUSED : ExitCodes.UNVERIFIED;
    }
    Progress progress = new Progress(context);
    List<Map<String, Object>> files = new ArrayList<>();
    boolean ok = true;
    for (Manifest.FileEntry expected : manifest.files()) {
      String key = StorageFormat.fileKey(model, target, expected.name());
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("name", expected.name());
      file.put("expected_size", expected.size());
      file.put("expected_sha256", expected.sha256());
      try (InputStream in = progress.track("downloading", expected.name(), expected.size(), store.open(key))) {
        Sha256.Copied got = Sha256.copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
        file.put("size", got.size());
        file.put("sha256", got.sha256());
        file.put("ok", got.size() == expected.size() && got.sha256().equals(expected.sha256()));
      } catch (NoSuchFileException e) {
        file.put("size", null);
        file.put("sha256", null);
        file.put("ok", false);
      }
      ok &= (Boolean) file.get("ok");
      files.add(file);
    }
    result.put("result", ok ? "ok" : "failed");
    result.put("message", "model " + model + " " + target + ": " + (ok
        ? "every file matches manifest.json (" + files.size() + " files)"
        : "verification failed: " + files.stream().filter(f -> !(Boolean) f.get("ok")).count()
            + " of " + files.size() + " files do not match manifest.json; a registry refuses this version"));
    result.put("files", files);
    report(output, result, files);
    return ok ? ExitCodes.OK : ExitCodes.REFUSED;
  }

  private void report(Output output, Map<String, Object> result, List<Map<String, Object>> files) {
    if (json) {
      output.json(result);
      return;
    }
    int width = files.stream().mapToInt(f -> f.get("name").toString().length()).max().orElse(0);
    for (Map<String, Object> file : files) {
      String name = String.format(java.util.Locale.ROOT, "%-" + width + "s", file.get("name"));
      if ((Boolean) file.get("ok")) {
        output.line("ok      " + name + "  sha256 " + file.get("sha256") + "  " + Progress.bytes((Long) file.get("size")));
      } else if (file.get("size") == null) {
        output.line("FAILED  " + name + "  missing from the store");
      } else {
        output.line("FAILED  " + name + "  manifest: " + file.get("expected_size") + " bytes, sha256 "
            + file.get("expected_sha256") + "; store: " + file.get("size") + " bytes, sha256 " + file.get("sha256"));
      }
    }
    output.line(result.get("message").toString());
  }
}
