package dev.remit;

import dev.remit.internal.audit.ChainVerifier;
import dev.remit.internal.audit.Tracer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads audit logs written by {@link AuditSinks#jsonLines}: checks their hash chain and
 * reconstructs what happened, and on whose authority, for an investigation. The {@code remit audit verify} and
 * {@code remit audit trace} commands are thin wrappers over these methods.
 */
public final class AuditLog {
  private AuditLog() {}

  /** The verdict of {@link #verify}. */
  public enum Result {
    /** Every record is present, unmodified and in order. */
    INTACT,
    /** Intact up to a last line the writer never finished (a crash), which is not tampering. */
    INTACT_TRUNCATED_TAIL,
    /** A record was modified, deleted, inserted or reordered; see the finding. */
    TAMPERED
  }

  /** What a finding is. */
  public enum Kind {
    /** The record's content no longer matches its hash, or it is not a valid record. */
    MODIFIED,
    /** Records are missing before this one. */
    DELETED,
    /** This record was inserted: no record links to it, or it repeats a sequence number. */
    INSERTED,
    /** This record is out of order: its sequence number comes later. */
    REORDERED,
    /** The record does not link to its predecessor (a predecessor was modified and re-hashed, or records were renumbered). */
    BROKEN_LINK,
    /** The first record is not the start of a chain: earlier records or files are missing. */
    HEAD_MISSING,
    /** The last line of a file is incomplete: the writer stopped mid-record. */
    TRUNCATED_TAIL
  }

  /**
   * One finding, by position.
   *
   * @param kind what was found
   * @param file the file
   * @param line 1-based line number in the file
   * @param seq the sequence number the record carries, or -1 if unreadable
   * @param message explanation
   */
  public record Finding(Kind kind, Path file, long line, long seq, String message) {
    public Finding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(message, "message");
    }

    /** Returns {@code file:line: KIND (seq N): message}. */
    @Override
    public String toString() {
      return file + ":" + line + ": " + kind + (seq >= 0 ? " (seq " + seq + ")" : "") + ": " + message;
    }
  }

  /**
   * The result of verifying a chain.
   *
   * @param result the verdict
   * @param records complete records checked (up to the first tampering)
   * @param findings the tampering found (at most one: checking stops there), and every truncation
   * @param headHash SHA-256 of the last good record's line; keep it elsewhere to detect later
   *     rewriting of the whole file or removal of its tail
   * @param headSeq sequence number of the last good record, or -1
   */
  public record Verification(Result result, long records, List<Finding> findings, String headHash, long headSeq) {
    public Verification {
      Objects.requireNonNull(result, "result");
      findings = List.copyOf(findings);
    }

    /** Returns whether no tampering was found (a truncated tail is not tampering). */
    public boolean intact() {
      return result != Result.TAMPERED;
    }

    /** Returns the tampering finding, or null. */
    public Finding tampering() {
      return findings.stream().filter(f -> f.kind() != Kind.TRUNCATED_TAIL).findFirst().orElse(null);
    }
  }

  /**
   * Checks the hash chain of the given files (in any order: they are ordered by their first
   * sequence number). The chain must start at sequence 0.
   *
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static Verification verify(List<Path> files) {
    return verify(files, false);
  }

  /**
   * Checks the hash chain; with {@code allowPartial} the first record may continue a chain whose
   * earlier files are not given (its link is then taken on trust).
   */
  public static Verification verify(List<Path> files, boolean allowPartial) {
    Objects.requireNonNull(files, "files");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no audit log files given");
    }
    return ChainVerifier.verify(files, allowPartial);
  }

  /** The anomalies {@link #trace} flags. */
  public enum AnomalyKind {
    /** An outcome record for a call with no ALLOW decision in the log. */
    EXECUTED_WITHOUT_ALLOW,
    /** Arguments executed (or about to be) differ from the arguments authorized. */
    ARGUMENTS_MISMATCH,
    /** An ALLOW decision with no outcome record: the call never ran, or ran unguarded. */
    ALLOWED_NOT_EXECUTED,
    /** More than one outcome for one decision: a replayed authorization. */
    EXECUTED_MORE_THAN_ONCE,
    /**
     * A decision or call that started after a revocation, expiry or suspension (until the agent
     * was resumed) affecting its grant chain or agent.
     */
    ACTIVITY_AFTER_REVOCATION,
    /**
     * An ALLOW on authority the log says was not in force: a grant that was refused and never
     * issued, issued only after the decision, or outside its {@code not_before}/{@code expires_at};
     * or an approval recorded for another call or already expired. A grant with no issue record at
     * all is not flagged: grants of the policy document have none.
     */
    AUTHORITY_NOT_IN_FORCE
  }

  /**
   * One anomaly.
   *
   * @param kind what
   * @param decisionId the decision concerned
   * @param message explanation
   */
  public record Anomaly(AnomalyKind kind, String decisionId, String message) {
    public Anomaly {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The causal chain reconstructed for an investigation.
   *
   * @param decisionIds the decisions found, in log order
   * @param anomalies what looks wrong
   * @param report human-readable account: invoker, intent, decisions, authority (the delegation
   *     chain, and for each grant in it its scope, who issued it and when, what later revoked or
   *     expired it; the approval used, who gave it and what it was bound to), credentials, calls,
   *     outcomes; for a task, first the grants issued or refused for it
   */
  public record Trace(List<String> decisionIds, List<Anomaly> anomalies, String report) {
    public Trace {
      decisionIds = List.copyOf(decisionIds);
      anomalies = List.copyOf(anomalies);
      Objects.requireNonNull(report, "report");
    }
  }

  /** Returns the causal chain of one decision. Does not check integrity: {@link #verify} first. */
  public static Trace traceDecision(List<Path> files, String decisionId) {
    return Tracer.read(Objects.requireNonNull(files, "files")).traceDecision(Objects.requireNonNull(decisionId, "decisionId"));
  }

  /** Returns the causal chain of every decision of a task. Does not check integrity: {@link #verify} first. */
  public static Trace traceTask(List<Path> files, String taskId) {
    return Tracer.read(Objects.requireNonNull(files, "files")).traceTask(Objects.requireNonNull(taskId, "taskId"));
  }
}
