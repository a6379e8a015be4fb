package dev.remit.internal.audit;

import dev.remit.AuditRecord;
import dev.remit.AuditStats;
import dev.remit.Decision;
import dev.remit.Request;
import dev.remit.spi.AuditSink;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue and writer thread behind {@link dev.remit.AuditTrail}.
 *
 * <p>Producers never signal the writer: an offer is one compare-and-set on a bounded array ring
 * ({@link RecordRing}), with no allocation beyond the entry itself, so the caller's thread does not
 * pay for waking another thread. The writer polls and,
 * when idle, parks for a short time that grows up to {@value #MAX_IDLE_PARK_MILLIS} ms; a record
 * therefore reaches the sinks within that time. {@link #flush()} wakes it at once.
 *
 * <p>A producer that finds the ring full waits (under BLOCK) at most {@code maxWaitNanos}, then
 * drops its record. When a wait ran out without the writer taking a single entry, the writer is
 * stalled (a sink hangs): later producers drop at once, without waiting, until the writer takes
 * something again.
 *
 * <p>Whatever goes wrong while building or writing one record (any {@link Throwable}, errors of
 * the virtual machine included) loses that record only: it is counted and logged and the writer
 * goes on with the next one. Only an error of the virtual machine outside one record (flushing or
 * closing a sink, the writer's own bookkeeping) stops the writer.
 */
public final class AuditWriter {
  static final Logger LOG = LoggerFactory.getLogger("dev.remit.audittrail");
  static final long MAX_IDLE_PARK_MILLIS = 10;
  private static final int BATCH = 64;
  private static final Set<String> OWN_FIELDS = Set.of("intent", "invoker", "traceparent", "task");

  private final List<AuditSink> sinks;
  private final boolean block;
  /** Longest a producer waits for room under BLOCK; 0 never waits. */
  private final long maxWaitNanos;
  private final Redactor redactor;
  private final boolean rawIntent;
  private final boolean arguments;
  private final RecordRing queue;
  /** Flush markers offered and not yet taken: they occupy ring slots but are not records. */
  private final AtomicInteger markers = new AtomicInteger();
  /** Built once: a drop happens on the caller's thread, which must not build strings. */
  private final String queueFullMessage;
  private final String timedOutMessage;
  private final String stalledMessage;
  /**
   * The ring's taken count when a producer last waited {@code maxWaitNanos} without the writer
   * taking anything, or -1: while the writer has not moved since, producers do not wait.
   */
  private volatile long stalledAt = -1;
  /** Counters the writer updates: every record it takes ends written or lost. */
  private final WriterCounters counters = new WriterCounters();
  private final Thread thread;
  private final Thread hook;
  private volatile boolean closing;
  private volatile boolean closed;
  /** The batch being written; an entry is nulled as it is taken. Writer thread only. */
  private final Object[] batch = new Object[BATCH];

  public AuditWriter(List<AuditSink> sinks, int capacity, boolean block, long maxWaitNanos, Redactor redactor,
      boolean rawIntent, boolean arguments) {
    if (maxWaitNanos < 0) {
      throw new IllegalArgumentException("maxWaitNanos must not be negative, was " + maxWaitNanos);
    }
    this.sinks = sinks;
    this.queue = new RecordRing(capacity);
    this.block = block;
    this.maxWaitNanos = maxWaitNanos;
    this.queueFullMessage = "the audit queue is full (capacity " + capacity
        + (block ? ", policy BLOCK, maxWait 0)" : ", policy DROP)");
    this.timedOutMessage = "the audit queue stayed full for maxWait (" + java.time.Duration.ofNanos(maxWaitNanos)
        + ", capacity " + capacity + ", policy BLOCK)";
    this.stalledMessage = "the audit writer has taken nothing since a wait of maxWait ("
        + java.time.Duration.ofNanos(maxWaitNanos) + ") for room ran out (capacity " + capacity
        + ", policy BLOCK): a sink is stalled";
    this.redactor = redactor;
    this.rawIntent = rawIntent;
    this.arguments = arguments;
    this.thread = new Thread(this::runLogged, "remit-audit-writer");
    thread.setDaemon(true);
    thread.start();
    // a host that forgets close() still gets its queued records written on a normal JVM exit
    this.hook = new Thread(this::close, "remit-audit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  // ------------------------------------------------------------------ caller side (cheap)

  private record DecisionEntry(Request request, Decision decision, long latencyNanos, boolean cached) {}

  private record OutcomeEntry(Request request, Decision decision, AuditRecord.Status status,
      String executedDigest, long durationNanos, Map<String, Object> changes, List<String> credentials,
      String error, boolean refunded, Instant time) {}

  private record FlushMarker(CountDownLatch done) {}

  public void decided(Request request, Decision decision, long latencyNanos, boolean cached) {
    offer(new DecisionEntry(request, decision, latencyNanos, cached));
  }

  public void executed(Request request, Decision decision, AuditRecord.Status status,
      String executedDigest, long durationNanos, Map<String, Object> changes, List<String> credentials,
      String error, boolean refunded, Instant time) {
    offer(new OutcomeEntry(request, decision, status, executedDigest, durationNanos, changes,
        credentials, error, refunded, time));
  }

  public void offerRecord(AuditRecord record) {
    offer(record);
  }

  private void offer(Object entry) {
    if (closing) {
      drop("the audit trail is closed");
      return;
    }
    if (queue.offer(entry)) {
      return;
    }
    if (!block || maxWaitNanos == 0) {
      drop(queueFullMessage);
      return;
    }
    long stalled = stalledAt;
    if (stalled >= 0 && queue.taken() == stalled) {
      drop(stalledMessage);
      return;
    }
    String failed = offerWaiting(entry, maxWaitNanos);
    if (failed != null) {
      drop(failed);
    }
  }

  /**
   * Offers {@code entry}, waiting at most {@code maxWait} nanoseconds for room without spinning hot
   * (the writer frees a slot per entry it takes); returns null once it is in the queue, otherwise
   * why it could not be added.
   */
  private String offerWaiting(Object entry, long maxWait) {
    long start = System.nanoTime();
    long takenAtStart = queue.taken();
    long park = 1_000;
    while (!queue.offer(entry)) {
      if (closing) {
        return "the audit trail was closed while waiting for room";
      }
      if (!thread.isAlive()) { // never wait on a writer that has stopped
        return "the audit writer thread has stopped";
      }
      long left = maxWait - (System.nanoTime() - start);
      if (left <= 0) {
        if (queue.taken() == takenAtStart) {
          stalledAt = takenAtStart; // not slow but stuck: the next producers need not wait
        }
        return timedOutMessage;
      }
      LockSupport.unpark(thread);
      LockSupport.parkNanos(Math.min(park, left));
      park = Math.min(park * 2, 1_000_000);
    }
    return null;
  }

  private void drop(String why) {
    long n = queue.countDrop();
    if (Long.bitCount(n) == 1) { // 1, 2, 4, 8… keeps the log readable under a flood
      LOG.warn("audit record dropped: {}; {} dropped so far", why, n);
    }
  }

  public AuditStats stats() {
    boolean gone = closed || !thread.isAlive();
    // written and lost before taken: taken >= written + lost at every instant, so in flight >= 0
    long written = counters.written();
    long lost = counters.lost();
    long taken = counters.taken();
    long queued = Math.max(0, queue.size() - markers.get()) + (taken - written - lost);
    long dropped = queue.drops() + lost;
    if (gone) {
      // no writer will take or finish what is still queued (offered in the instant close()
      // finished, or left behind by a writer that stopped): it is lost, so it counts as dropped
      dropped += queued;
      queued = 0;
    }
    return new AuditStats(written + dropped + queued, written, dropped, counters.sinkErrors(), queued);
  }

  public boolean flush() {
    if (closing) {
      return false;
    }
    CountDownLatch done = new CountDownLatch(1);
    markers.incrementAndGet();
    if (offerWaiting(new FlushMarker(done), Long.MAX_VALUE) != null) { // a full ring: wait for room
      markers.decrementAndGet();
      return false;
    }
    LockSupport.unpark(thread);
    try {
      while (!done.await(10, TimeUnit.MILLISECONDS)) {
        if (!thread.isAlive()) {
          return false;
        }
        LockSupport.unpark(thread);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public synchronized void close() {
    if (closing) {
      awaitThread();
      return;
    }
    closing = true;
    LockSupport.unpark(thread);
    awaitThread();
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
  }

  private void awaitThread() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ writer thread

  /**
   * The writer thread's body. One record's failure never stops it (see {@link #writeOne}); only an
   * error of the virtual machine outside one record does. That is logged, and from then on every
   * record offered is dropped and counted (a caller waiting for room under BLOCK is released).
   * Records it had taken and not finished count as dropped ({@link #stats()}).
   */
  private void runLogged() {
    try {
      run();
    } catch (Throwable t) {
      java.util.Arrays.fill(batch, null);
      try {
        LOG.error("the audit writer thread has stopped; records offered from now on are dropped and counted", t);
      } catch (Throwable ignored) {
        // nothing more can be said
      }
      throw t;
    }
  }

  private void run() {
    long idle = 20_000;
    Object[] batch = this.batch;
    boolean dirty = false; // written since the sinks were last flushed; a local, never shared
    int n = 0;
    int at = 0;
    while (true) {
      if (at == n) {
        // take a batch: its slots are freed for producers with one update, as soon as it is taken
        n = queue.drain(batch, BATCH);
        at = 0;
        int records = 0;
        int flushes = 0;
        for (int k = 0; k < n; k++) {
          if (batch[k] instanceof FlushMarker) {
            flushes++;
          } else {
            records++;
          }
        }
        if (records > 0) {
          counters.addTaken(records);
        }
        if (flushes > 0) {
          markers.addAndGet(-flushes);
        }
      }
      Object e = at < n ? batch[at] : null;
      if (e != null) {
        batch[at++] = null;
      }
      if (e == null) {
        if (dirty) {
          flushSinks();
          dirty = false;
        }
        if (closing && queue.isEmpty()) {
          break;
        }
        LockSupport.parkNanos(idle);
        idle = Math.min(idle * 2, TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_PARK_MILLIS));
        continue;
      }
      idle = 20_000;
      if (e instanceof FlushMarker) {
        flushSinks();
        dirty = false;
        ((FlushMarker) e).done().countDown();
        continue;
      }
      writeOne(e);
      dirty = true;
    }
    for (Object left; (left = queue.poll()) != null; ) {
      if (left instanceof FlushMarker) {
        markers.decrementAndGet();
        ((FlushMarker) left).done().countDown();
      } else {
        queue.countDrop();
        LOG.warn("audit record dropped: offered while the audit trail was closing");
      }
    }
    for (AuditSink s : sinks) {
      try {
        s.close();
      } catch (Throwable ex) {
        counters.addSinkError();
        LOG.error("audit sink {} failed to close", s.getClass().getName(), ex);
        rethrowFatal(ex);
      }
    }
    closed = true;
  }

  /**
   * Builds, redacts, serialises (in the sinks) and writes one record. Anything thrown on the way,
   * an {@link OutOfMemoryError} from a huge value or a {@link StackOverflowError} from a deep one
   * included, is about this record: it ends lost (when no sink accepted it) and the writer goes on.
   * Nothing here allocates outside a {@code try}, so an error cannot escape through the handler.
   */
  private void writeOne(Object e) {
    AuditRecord r;
    try {
      r = build(e);
    } catch (Throwable ex) {
      lost(e, "could not be built", ex);
      return;
    }
    boolean accepted = false;
    for (AuditSink s : sinks) {
      try {
        s.write(r);
        accepted = true;
      } catch (Throwable ex) {
        sinkFailed(s, r, ex);
      }
    }
    if (accepted) {
      counters.addWritten();
    } else {
      lost(r, "was accepted by no sink", null);
    }
  }

  private void lost(Object entry, String why, Throwable ex) {
    long n = counters.addLost();
    try {
      LOG.error("an audit record ({}) {}: it is lost and counted as dropped; {} lost by the writer so far",
          kindOf(entry), why, n, ex);
    } catch (Throwable ignored) {
      // logging failed too (e.g. still out of memory): the counter says it
    }
  }

  private void sinkFailed(AuditSink s, AuditRecord r, Throwable ex) {
    long errors = counters.addSinkError();
    try {
      LOG.error("audit sink {} failed to write a {} record; {} sink errors so far",
          s.getClass().getName(), r.kind(), errors, ex);
    } catch (Throwable ignored) {
      // logging failed too: the counter says it
    }
  }

  private static String kindOf(Object entry) {
    if (entry instanceof AuditRecord) {
      return ((AuditRecord) entry).kind();
    }
    return entry instanceof OutcomeEntry ? "outcome" : "decision";
  }

  /** Rethrows errors of the virtual machine: outside one record's processing they stop the writer. */
  private static void rethrowFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
    }
  }

  boolean closed() {
    return closed;
  }

  private void flushSinks() {
    for (AuditSink s : sinks) {
      try {
        s.flush();
      } catch (Throwable ex) {
        counters.addSinkError();
        try {
          LOG.error("audit sink {} failed to flush", s.getClass().getName(), ex);
        } catch (Throwable ignored) {
          // the counter says it
        }
        rethrowFatal(ex); // not about one record: an error of the virtual machine here stops the writer
      }
    }
  }

  private AuditRecord build(Object e) {
    if (e instanceof DecisionEntry) {
      DecisionEntry d = (DecisionEntry) e;
      return decisionRecord(d.request(), d.decision(), d.latencyNanos(), d.cached());
    }
    if (e instanceof OutcomeEntry) {
      OutcomeEntry o = (OutcomeEntry) e;
      Request r = o.request();
      String authorized = Digests.args(r.args());
      String executed = o.executedDigest() == null ? authorized : o.executedDigest();
      Map<String, Object> changes = redactor.apply("changes", o.changes() == null ? Map.of() : o.changes());
      return new AuditRecord.OutcomeRecord(o.time(), o.decision().id(), o.status(), r.subject(),
          r.tool(), r.operation(), resource(r.resource()), authorized, executed, o.durationNanos(), changes,
          o.credentials(), o.error(), o.refunded(), string(r.context().get("traceparent")));
    }
    if (e instanceof AuditRecord.AuthorityRecord) {
      return redactor.apply((AuditRecord.AuthorityRecord) e);
    }
    return (AuditRecord) e;
  }

  private String resource(String resource) {
    return resource != null && redactor.redactsField("resource") ? Redactor.REDACTED : resource;
  }

  private AuditRecord.DecisionRecord decisionRecord(Request r, Decision d, long latency, boolean cached) {
    Map<String, Object> ctx = r == null ? Map.of() : r.context();
    String subject = d.subject();
    String component = subject != null && d.agent() != null && !subject.equals(d.agent()) ? subject : null;
    Object intentValue = ctx.get("intent");
    String intentText = intentValue == null ? null : String.valueOf(intentValue);
    String invoker = string(ctx.get("invoker"));
    if (invoker != null && redactor.redactsField("invoker")) {
      invoker = Redactor.REDACTED;
    }
    Map<String, Object> context = ctx; // the record keeps its own copy; copy here only to remove fields
    for (String own : OWN_FIELDS) {
      if (ctx.containsKey(own)) {
        Map<String, Object> rest = new LinkedHashMap<>();
        ctx.forEach((k, v) -> {
          if (!OWN_FIELDS.contains(k)) {
            rest.put(k, v);
          }
        });
        context = rest;
        break;
      }
    }
    Map<String, Object> args = r == null ? Map.of() : r.args();
    return new AuditRecord.DecisionRecord(d.evaluatedAt(), d.id(), d.outcome(), d.codes(), subject,
        d.agent(), component, r == null ? null : r.task(), d.grant(), d.chain(), invoker,
        intentText == null ? null : Digests.text(intentText), rawIntent ? intentText : null,
        r == null ? null : r.tool(), r == null ? null : r.operation(),
        r == null ? null : resource(r.resource()), r == null ? null : r.resourceType(),
        arguments ? redactor.apply("args", args) : Map.of(), Digests.args(args),
        redactor.apply("context", context), d.policyVersion(), d.revision(), cached, Math.max(0, latency),
        d.obligations(), d.approval(), string(ctx.get("traceparent")));
  }

  private static String string(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
