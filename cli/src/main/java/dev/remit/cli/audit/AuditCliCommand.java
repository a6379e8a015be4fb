package dev.remit.cli.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code remit audit} command ({@code verify}, {@code trace}), a subcommand of
 * {@code dev.remit.cli.Main}. The work is done by {@link AuditCommand}.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Check and investigate hash-chained audit logs (see docs/audit.md).",
    subcommands = {AuditCliCommand.Verify.class, AuditCliCommand.Trace.class},
    footer = {"", "Exit status: verify 0 intact, 3 intact with a truncated tail, 1 tampered;",
        "trace 0 no anomalies, 1 anomalies flagged; 2 for bad usage or unreadable files."})
public final class AuditCliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println(AuditCommand.USAGE_TEXT);
    return AuditCommand.USAGE;
  }

  /** {@code remit audit verify}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the hash chain; report the first modified, deleted, inserted or reordered record.")
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--partial", description = "Accept a chain whose earlier files are not given.")
    boolean partial;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Log files, in any order.")
    List<Path> files;

    @Override
    public Integer call() {
      return AuditCommand.verify(files, partial, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  /** {@code remit audit trace}. */
  @Command(name = "trace", mixinStandardHelpOptions = true,
      description = {"Reconstruct invoker -> intent -> decisions -> authority -> credentials -> calls -> outcomes;"
          + " flag anomalies.",
          "Authority: for every grant of a decision's chain its scope, who issued it and when, any later"
          + " revocation or expiry; the approval used, who gave it and what it was bound to."})
  static final class Trace implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--decision", paramLabel = "ID", description = "Trace one decision.")
    String decision;

    @Option(names = "--task", paramLabel = "ID", description = "Trace every decision of a task.")
    String task;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Log files.")
    List<Path> files;

    @Override
    public Integer call() {
      return AuditCommand.trace(decision, task, files, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }
}
