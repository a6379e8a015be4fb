package dev.remit;

import dev.remit.internal.audit.JsonLinesSink;
import dev.remit.internal.audit.Slf4jSink;
import dev.remit.spi.AuditSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** The built-in audit sinks. */
public final class AuditSinks {
  /** Logger the SLF4J sink writes to, one JSON line per record at INFO. */
  public static final String LOGGER_NAME = "dev.remit.audit";

  private AuditSinks() {}

  /** Returns a sink that logs each record as one JSON line at INFO to {@value #LOGGER_NAME}. */
  public static AuditSink slf4j() {
    return slf4j(AuditFormat.REMIT);
  }

  /** Returns a sink that logs each record as one JSON line in {@code format} to {@value #LOGGER_NAME}. */
  public static AuditSink slf4j(AuditFormat format) {
    return new Slf4jSink(LOGGER_NAME, Objects.requireNonNull(format, "format"));
  }

  /** Returns a sink that keeps records in memory, for tests. */
  public static MemoryAuditSink memory() {
    return new MemoryAuditSink();
  }

  /**
   * Returns a builder for a hash-chained JSON Lines file sink writing to {@code file} (then
   * {@code file.1}, {@code file.2}… when it rotates). Check a log with {@link AuditLog#verify}.
   */
  public static JsonLines jsonLines(Path file) {
    return new JsonLines(Objects.requireNonNull(file, "file"));
  }

  /** Builder for the JSON Lines file sink. */
  public static final class JsonLines {
    private final Path file;
    private long maxBytes;
    private Duration every;
    private AuditFormat format = AuditFormat.REMIT;
    private boolean sync;
    private Clock clock = Clock.systemUTC();

    private JsonLines(Path file) {
      this.file = file;
    }

    /** Starts a new file before a record would make the current one larger than {@code bytes}. */
    public JsonLines rotateAtBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("rotation size must be positive, was " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /** Starts a new file for the first record written once the current file is {@code interval} old. */
    public JsonLines rotateEvery(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("rotation interval must be positive, was " + interval);
      }
      this.every = interval;
      return this;
    }

    /** Sets the record shape (default {@link AuditFormat#REMIT}). */
    public JsonLines format(AuditFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** Forces written records to the storage device (fsync) on every flush; slower, survives power loss. */
    public JsonLines syncOnFlush() {
      this.sync = true;
      return this;
    }

    /** Sets the clock time-based rotation is measured by (tests use a fake one). */
    public JsonLines clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the sink, having opened the file and continued the chain of any earlier files.
     *
     * @throws java.io.UncheckedIOException if the file cannot be opened or its tail read
     */
    public AuditSink build() {
      return new JsonLinesSink(file, maxBytes, every, format, sync, clock);
    }
  }
}
