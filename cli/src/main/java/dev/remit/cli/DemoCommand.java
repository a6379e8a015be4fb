package dev.remit.cli;

import dev.remit.AuditSinks;
import dev.remit.AuditStats;
import dev.remit.AuditTrail;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code remit demo}: runs the bundled agent-session scenario ({@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a bundled agent session: delegation, out-of-scope denial, refused widening, "
        + "approval, replay, revocation. Needs no files; the clock is fixed so output is reproducible.",
    footer = {"", "Exit status: 0 when every decision is the one the scenario expects (and, with --audit-log,",
        "every audit record was written), 1 otherwise; 2 if the audit log cannot be written."})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--audit-log", paramLabel = "FILE",
      description = "Also write the session's hash-chained audit trail (JSON Lines) to FILE, replacing it; "
          + "check it with 'remit audit verify FILE', follow it with 'remit audit trace --task "
          + Demo.TASK + " FILE'.")
  Path auditLog;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (auditLog == null) {
      return Demo.run(out, UnaryOperator.identity()).surprises().isEmpty() ? 0 : 1;
    }
    AuditTrail trail = openTrail(auditLog);
    Demo.Result r;
    AuditStats stats;
    try {
      r = Demo.run(out, b -> b.audit(trail));
    } finally {
      trail.close(); // flushes: the file is complete when the command exits
      stats = trail.stats();
    }
    out.println();
    out.println("Audit trail: " + stats.written() + " records written to " + auditLog + " (task " + Demo.TASK + ")");
    out.println("  verify it:  remit audit verify " + auditLog);
    out.println("  trace it:   remit audit trace --task " + Demo.TASK + " " + auditLog);
    out.flush();
    if (stats.dropped() > 0 || stats.sinkErrors() > 0 || stats.written() != stats.offered()) {
      spec.commandLine().getErr().println("remit demo: the audit trail is incomplete: " + stats.offered()
          + " records offered, " + stats.written() + " written, " + stats.dropped() + " dropped, "
          + stats.sinkErrors() + " sink errors");
      return 1;
    }
    return r.surprises().isEmpty() ? 0 : 1;
  }

  private static AuditTrail openTrail(Path file) {
    if (Files.isDirectory(file)) {
      throw new InputException("cannot write the audit log " + file + ": it is a directory");
    }
    try {
      // a fresh chain per run: appending would mix sessions (the sink continues an existing file)
      Files.deleteIfExists(file);
      return AuditTrail.builder().sink(AuditSinks.jsonLines(file).build()).build();
    } catch (IOException | UncheckedIOException e) {
      throw new InputException("cannot write the audit log " + file + ": "
          + (e instanceof UncheckedIOException ? e.getCause() : e), e);
    }
  }
}
