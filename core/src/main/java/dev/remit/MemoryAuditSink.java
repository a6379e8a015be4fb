package dev.remit;

import dev.remit.spi.AuditSink;
import java.util.ArrayList;
import java.util.List;

/**
 * An audit sink that keeps records in memory, for tests. Thread-safe to read while the writer
 * writes. Unbounded: do not use it in production.
 */
public final class MemoryAuditSink implements AuditSink {
  private final List<AuditRecord> records = new ArrayList<>();

  MemoryAuditSink() {}

  @Override
  public synchronized void write(AuditRecord record) {
    records.add(record);
  }

  /** Returns a copy of the records received so far, in order. */
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }

  /** Returns the decision records received so far. */
  public List<AuditRecord.DecisionRecord> decisions() {
    return records().stream().filter(AuditRecord.DecisionRecord.class::isInstance)
        .map(AuditRecord.DecisionRecord.class::cast).toList();
  }

  /** Returns the outcome records received so far. */
  public List<AuditRecord.OutcomeRecord> outcomes() {
    return records().stream().filter(AuditRecord.OutcomeRecord.class::isInstance)
        .map(AuditRecord.OutcomeRecord.class::cast).toList();
  }

  /** Returns the authority records received so far. */
  public List<AuditRecord.AuthorityRecord> authority() {
    return records().stream().filter(AuditRecord.AuthorityRecord.class::isInstance)
        .map(AuditRecord.AuthorityRecord.class::cast).toList();
  }

  /** Forgets the records received so far. */
  public synchronized void clear() {
    records.clear();
  }
}
