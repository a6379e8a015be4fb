package dev.remit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A test clock that only moves when told to; thread-safe. */
final class MutableClock extends Clock {
  private final AtomicLong millis;

  MutableClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** Moves the clock to {@code t}. */
  MutableClock set(Instant t) {
    millis.set(t.toEpochMilli());
    return this;
  }

  /** Moves the clock forward (or back, for a negative duration). */
  MutableClock advance(Duration d) {
    millis.addAndGet(d.toMillis());
    return this;
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests use UTC");
  }
}
