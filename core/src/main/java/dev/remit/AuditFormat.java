package dev.remit;

/** The JSON shape a sink writes records in. */
public enum AuditFormat {
  /** Remit's own record shape, documented in {@code docs/audit.md}. */
  REMIT,
  /**
   * OPA's decision-log event shape ({@code decision_id}, {@code timestamp}, {@code path},
   * {@code input}, {@code result}, {@code metrics}), with the full Remit record under {@code remit},
   * so existing OPA log pipelines can ingest Remit records.
   */
  OPA_DECISION_LOG
}
