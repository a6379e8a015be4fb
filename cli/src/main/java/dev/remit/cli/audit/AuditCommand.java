package dev.remit.cli.audit;

import dev.remit.AuditLog;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code remit audit verify|trace}: thin wrapper over {@link AuditLog}.
 *
 * <pre>
 * remit audit verify [--partial] FILE...
 *     exit 0 intact, 3 intact but the last line is truncated (a crash), 1 tampered, 2 usage/IO error
 * remit audit trace (--decision ID | --task ID) FILE...
 *     exit 0 no anomalies, 1 anomalies flagged, 2 usage/IO error or nothing found
 * </pre>
 *
 * <p>A trace shows, for each decision, the authority behind it as the log's authority records tell
 * it (each grant's scope, issuer, issue time, later revocation or expiry; the approval used); a
 * task trace first lists the grants issued and refused for the task. Exit 1 covers the anomalies
 * of that authority too ({@code ACTIVITY_AFTER_REVOCATION}, {@code AUTHORITY_NOT_IN_FORCE}).
 */
public final class AuditCommand {
  public static final int OK = 0;
  public static final int TAMPERED = 1;
  public static final int USAGE = 2;
  public static final int TRUNCATED = 3;
  public static final int ANOMALIES = 1;

  static final String USAGE_TEXT = "usage: remit audit verify [--partial] FILE...\n"
      + "       remit audit trace (--decision ID | --task ID) FILE...";

  private AuditCommand() {}

  /** Runs {@code audit <verify|trace> ...}; {@code args} starts after {@code audit}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    try {
      return run(args, o, e);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** Runs {@code audit <verify|trace> ...} writing to print writers (picocli's streams). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "verify":
        return verify(rest, out, err);
      case "trace":
        return trace(rest, out, err);
      case "-h":
      case "--help":
        out.println(USAGE_TEXT);
        return OK;
      default:
        err.println("unknown audit command '" + args[0] + "'\n" + USAGE_TEXT);
        return USAGE;
    }
  }

  /** Runs {@code audit verify [--partial] FILE...}. */
  public static int verify(String[] args, PrintWriter out, PrintWriter err) {
    boolean partial = false;
    List<Path> files = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--partial")) {
        partial = true;
      } else if (a.startsWith("-")) {
        err.println("unknown option '" + a + "'\n" + USAGE_TEXT);
        return USAGE;
      } else {
        files.add(Path.of(a));
      }
    }
    return verify(files, partial, out, err);
  }

  /** Runs {@code audit verify} on parsed options (the picocli command calls this directly). */
  public static int verify(List<Path> files, boolean partial, PrintWriter out, PrintWriter err) {
    if (files.isEmpty()) {
      err.println("no files given\n" + USAGE_TEXT);
      return USAGE;
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        err.println("no such file: " + f);
        return USAGE;
      }
    }
    AuditLog.Verification v;
    try {
      v = AuditLog.verify(files, partial);
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    for (AuditLog.Finding f : v.findings()) {
      (f.kind() == AuditLog.Kind.TRUNCATED_TAIL ? out : err).println(f);
    }
    try {
      return verdict(v, out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int verdict(AuditLog.Verification v, PrintWriter out, PrintWriter err) {
    switch (v.result()) {
      case INTACT:
        out.println("INTACT: " + v.records() + " records, head seq " + v.headSeq() + ", head hash " + v.headHash());
        return OK;
      case INTACT_TRUNCATED_TAIL:
        out.println("INTACT (TRUNCATED TAIL): " + v.records() + " complete records, head seq " + v.headSeq()
            + ", head hash " + v.headHash() + "; the writer stopped mid-record");
        return TRUNCATED;
      default:
        AuditLog.Finding t = v.tampering();
        err.println("TAMPERED: first problem at " + t.file() + " line " + t.line() + " (" + t.kind() + "); "
            + v.records() + " records verified before it");
        return TAMPERED;
    }
  }

  /** Runs {@code audit trace (--decision ID | --task ID) FILE...}. */
  public static int trace(String[] args, PrintWriter out, PrintWriter err) {
    String decision = null;
    String task = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--decision") || a.equals("--task")) && i + 1 < args.length) {
        if (a.equals("--decision")) {
          decision = args[++i];
        } else {
          task = args[++i];
        }
      } else if (a.startsWith("-")) {
        err.println("unknown or incomplete option '" + a + "'\n" + USAGE_TEXT);
        return USAGE;
      } else {
        files.add(Path.of(a));
      }
    }
    return trace(decision, task, files, out, err);
  }

  /**
   * Runs {@code audit trace} on parsed options (the picocli command calls this directly): exactly
   * one of {@code decision} and {@code task} must be given.
   */
  public static int trace(String decision, String task, List<Path> files, PrintWriter out, PrintWriter err) {
    if ((decision == null) == (task == null) || files.isEmpty()) {
      err.println("give exactly one of --decision ID or --task ID, and at least one file\n" + USAGE_TEXT);
      return USAGE;
    }
    AuditLog.Trace t;
    try {
      t = decision != null ? AuditLog.traceDecision(files, decision) : AuditLog.traceTask(files, task);
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    out.print(t.report());
    out.flush();
    if (t.decisionIds().isEmpty() && t.anomalies().isEmpty()) {
      return USAGE; // no decision found (grants of a task without decisions are still printed)
    }
    return t.anomalies().isEmpty() ? OK : ANOMALIES;
  }
}
