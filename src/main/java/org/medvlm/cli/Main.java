package org.medvlm.cli;

import java.io.PrintWriter;
import org.medvlm.ErrorText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code bin/medvlm}. */
@Command(
    name = "medvlm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Abdominal CT organ segmentation: data tools, training and inference.",
    subcommands = {InfoCommand.class, ConvertCommand.class, EvaluateCommand.class, PhantomCommand.class, TrainCommand.class,
        SegmentCommand.class, ModelInfoCommand.class, BenchCommand.class, WeightsCommand.class, EmbedCommand.class, ExperimentCommand.class, DemoCommand.class,
        MergeVolumesCommand.class, ExportCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see medvlm --help)");
  }

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs a command line; the streams are parameters so tests can capture them. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("medvlm: error: " + usageProblem(ex));
      err.println("Try 'medvlm " + commandPath(ex.getCommandLine()) + "--help' for usage.");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      boolean debug = main.debug;
      boolean bad = ErrorText.isBadInput(ex);
      err.println("medvlm: error: " + ErrorText.of(ex, Main::option) + (bad || debug ? "" : " (run with --debug for details)"));
      if (debug) ex.printStackTrace(err);
      return bad ? BAD_INPUT : FAILURE;
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("medvlm: error: " + ErrorText.of(e));
      return FAILURE;
    }
  }

  /** A usage error as "<option or argument>: <problem>". */
  static String usageProblem(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
      CommandLine.Model.ArgSpec arg = m.getMissing().get(0);
      return name(arg) + ": required but missing";
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return u.getUnmatched().get(0) + ": unknown subcommand, option or argument";
    }
    if (ex.getArgSpec() != null) return name(ex.getArgSpec()) + ": " + oneLine(ex.getMessage());
    return oneLine(ex.getMessage());
  }

  private static String name(CommandLine.Model.ArgSpec arg) {
    return arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : arg.paramLabel();
  }

  private static String commandPath(CommandLine c) {
    String name = c.getCommandSpec().qualifiedName(" ");
    return name.equals("medvlm") ? "" : name.substring("medvlm ".length()) + " ";
  }

  static String oneLine(String s) {
    return s == null ? "" : ErrorText.withFields(s.replaceAll("[\\r\\n]+", " ").strip(), Main::option);
  }

  /** A field the core names ({@code organs}) as the command line's option ({@code --organs}). */
  static String option(String field) {
    return "--" + field;
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"medvlm " + (v == null ? "dev" : v) + ", Java " + System.getProperty("java.version")};
    }
  }
}
