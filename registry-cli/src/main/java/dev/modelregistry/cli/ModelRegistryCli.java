package dev.modelregistry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code model-registry} command: {@link #main} for the terminal, {@link #commandLine} for running
 * it in-process (tests, other tools).
 */
@Command(name = "model-registry", mixinStandardHelpOptions = true, versionProvider = ModelRegistryCli.Version.class,
    description = "Lists, shows, publishes, promotes, rolls back and verifies models in a folder or on S3.",
    synopsisSubcommandLabel = "COMMAND",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:bad command line or argument",
        "2:store, model or version not found",
        "3:refused (incomplete version, nothing to roll back), or verification failed",
        "4:store error (unreachable, access denied, malformed objects)",
        "5:verify: unverified, the version has no manifest",
        "70:internal error"},
    footer = {"%nThe store is --store <folder | file:/folder | s3://bucket/prefix>, or $MODEL_REGISTRY_STORE."
        + " S3 credentials come from the AWS SDK's default chain (environment, profile, role)."})
public final class ModelRegistryCli implements Callable<Integer> {

  @Spec CommandSpec spec;

  private ModelRegistryCli() {}

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine(CliContext.system()).execute(args));
  }

  /** The tool, writing to {@code context}; {@code execute(args)} runs it and returns the exit code. */
  static CommandLine commandLine(CliContext context) {
    Errors errors = new Errors(context.err());
    CommandLine commandLine = new CommandLine(new ModelRegistryCli())
        .addSubcommand(new ModelsCommand(context))
        .addSubcommand(new VersionsCommand(context))
        .addSubcommand(new ShowCommand(context))
        .addSubcommand(new HistoryCommand(context))
        .addSubcommand(new PublishCommand(context))
        .addSubcommand(new PromoteCommand(context))
        .addSubcommand(new RollbackCommand(context))
        .addSubcommand(new CanaryCommand(context))
        .addSubcommand(new ShadowCommand(context))
        .addSubcommand(new PruneCommand(context))
        .addSubcommand(new VerifyCommand(context));
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setParameterExceptionHandler(errors);
    return commandLine;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The version of the jar, from its manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ModelRegistryCli.class.getPackage().getImplementationVersion();
      return new String[] {"model-registry " + (version == null ? "(development build)" : version)};
    }
  }
}
