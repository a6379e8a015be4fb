package dev.remit.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code remit} command: {@code check}, {@code test} and {@code demo}.
 *
 * <p>Exit status: {@code check} 0 ALLOW, 1 DENY, 3 REQUIRE_APPROVAL; {@code test} 0 all passed,
 * 1 some failed; every command 2 for bad usage or bad input (message on stderr).
 */
@Command(name = "remit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Per-action authorization for AI agents.",
    subcommands = {CheckCommand.class, TestCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit status: check 0 allow, 1 deny, 3 require approval; test 0 all passed, 1 failures;",
        "2 for bad usage or bad input. See docs/cli.md."})
public final class Main implements Runnable {
  /** Exit status for bad usage or bad input. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Returns the exit status of running the CLI with {@code args}, writing to the given streams. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine(out, err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Returns the command line with remit's exit codes and error handling. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> EXIT_USAGE);
    cl.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("remit: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof InputException) {
        c.getErr().println("remit " + c.getCommandName() + ": " + ex.getMessage());
      } else {
        c.getErr().println("remit " + c.getCommandName() + ": unexpected error: " + ex);
      }
      return EXIT_USAGE;
    });
    return cl;
  }

  @Override
  public void run() {
    // `remit` alone: usage on stderr, exit 2
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (check, test or demo)");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"remit " + (v == null ? "development build" : v)};
    }
  }
}
