package dev.remit.spi;

import dev.remit.AuditRecord;
import java.io.IOException;

/**
 * Where audit records go. Called from the audit writer thread only, one record at a time, in
 * order; implementations need not be thread-safe. Records arrive already redacted.
 *
 * <p>A sink that throws is counted and logged ({@link dev.remit.AuditTrail#stats()}); it never
 * changes or delays a decision. Built-in sinks: {@link dev.remit.AuditSinks}.
 */
public interface AuditSink extends AutoCloseable {
  /** Writes one record. */
  void write(AuditRecord record) throws Exception;

  /** Pushes buffered records out; called when the queue runs empty and on flush/close. */
  default void flush() throws IOException {}

  /** Flushes and releases resources; called once, at shutdown. */
  @Override
  default void close() throws IOException {
    flush();
  }
}
