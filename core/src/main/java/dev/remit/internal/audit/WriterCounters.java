package dev.remit.internal.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The audit writer's counters: updated only by the writer thread (ordered stores, no atomic
 * read-modify-write), read by {@code stats()} from any thread. Padded on both sides so the line
 * the writer updates per record is not a line the callers of {@code authorize()} read or write.
 *
 * <p>Every record the writer takes ends as exactly one of written or lost; until then it is in
 * flight ({@code taken - written - lost}). A reader that reads {@link #written()} and
 * {@link #lost()} before {@link #taken()} never sees a negative number in flight: the three only
 * grow, and {@code taken >= written + lost} at every instant.
 */
final class WriterCounters extends WriterCountersFields {
  private static final VarHandle TAKEN;
  private static final VarHandle WRITTEN;
  private static final VarHandle LOST;
  private static final VarHandle SINK_ERRORS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAKEN = l.findVarHandle(WriterCountersFields.class, "taken", long.class);
      WRITTEN = l.findVarHandle(WriterCountersFields.class, "written", long.class);
      LOST = l.findVarHandle(WriterCountersFields.class, "lost", long.class);
      SINK_ERRORS = l.findVarHandle(WriterCountersFields.class, "sinkErrors", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;

  /** Records taken from the queue. Writer thread only. */
  void addTaken(int n) {
    TAKEN.setRelease(this, taken + n);
  }

  /** A taken record at least one sink accepted. Writer thread only. */
  void addWritten() {
    WRITTEN.setRelease(this, written + 1);
  }

  /** A taken record no sink accepted (it failed to build, or failed in every sink); returns the new count. Writer thread only. */
  long addLost() {
    long n = lost + 1;
    LOST.setRelease(this, n);
    return n;
  }

  /** Returns the new count. Writer thread only. */
  long addSinkError() {
    long n = sinkErrors + 1;
    SINK_ERRORS.setRelease(this, n);
    return n;
  }

  long taken() {
    return (long) TAKEN.getAcquire(this);
  }

  long written() {
    return (long) WRITTEN.getAcquire(this);
  }

  long lost() {
    return (long) LOST.getAcquire(this);
  }

  long sinkErrors() {
    return (long) SINK_ERRORS.getAcquire(this);
  }
}

abstract class WriterCountersPad {
  long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class WriterCountersFields extends WriterCountersPad {
  long taken;
  long written;
  long lost;
  long sinkErrors;
}
