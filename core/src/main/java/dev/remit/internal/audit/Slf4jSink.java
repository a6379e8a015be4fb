package dev.remit.internal.audit;

import dev.remit.AuditFormat;
import dev.remit.AuditRecord;
import dev.remit.spi.AuditSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each record as one JSON line at INFO to a logger. */
public final class Slf4jSink implements AuditSink {
  private final Logger log;
  private final AuditFormat format;

  public Slf4jSink(String loggerName, AuditFormat format) {
    this.log = LoggerFactory.getLogger(loggerName);
    this.format = format;
  }

  @Override
  public void write(AuditRecord record) {
    if (log.isInfoEnabled()) {
      log.info(AuditJson.line(record, format));
    }
  }
}
