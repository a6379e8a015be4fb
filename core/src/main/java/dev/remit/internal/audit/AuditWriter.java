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
 */
public final class AuditWriter {
  static final Logger LOG = LoggerFactory.getLogger("dev.remit.audittrail");
  static final long MAX_IDLE_PARK_MILLIS = 10;
  private static final int BATCH = 64;
  private static final Set<String> OWN_FIELDS = Set.of("intent", "invoker", "traceparent", "task");

  private final List<AuditSink> sinks;
  private final boolean block;
  private final Redactor redactor;
  private final boolean rawIntent;
  private final boolean arguments;
  private final RecordRing queue;
  /** Flush markers offered and not yet taken: they occupy ring slots but are not records. */
  private final AtomicInteger markers = new AtomicInteger();
  /** Built once: a drop happens on the caller's thread, which must not build strings. */
  private final String queueFullMessage;
  /** Counters the writer updates (offered = processed + dropped + queued; while the writer takes a batch it may briefly undercount by that batch). */
  private final WriterCounters counters = new WriterCounters();
  private final Thread thread;
  private final Thread hook;
  private volatile boolean closing;
  private volatile boolean closed;
  /** The batch being written; an entry is nulled as it is taken. Writer thread only. */
  private final Object[] batch = new Object[BATCH];

  public AuditWriter(List<AuditSink> sinks, int capacity, boolean block, Redactor redactor,
      boolean rawIntent, boolean arguments) {
    this.sinks = sinks;
    this.queue = new RecordRing(capacity);
    this.queueFullMessage = "the audit queue is full (capacity " + capacity + ", policy DROP)";
    this.block = block;
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
    if (!block) {
      drop(queueFullMessage);
      return;
    }
    String failed = offerWaiting(entry);
    if (failed != null) {
      drop(failed);
    }
  }

  /**
   * Offers {@code entry}, waiting for room without spinning hot (the writer frees a slot per entry
   * it takes); returns null once it is in the queue, otherwise why it could not be added.
   */
  private String offerWaiting(Object entry) {
    long park = 1_000;
    while (!queue.offer(entry)) {
      if (closing) {
        return "the audit trail was closed while waiting for room";
      }
      if (!thread.isAlive()) { // never wait forever on a writer that died (e.g. OutOfMemoryError)
        return "the audit writer thread has stopped";
      }
      LockSupport.unpark(thread);
      LockSupport.parkNanos(park);
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
    long queued = Math.max(0, queue.size() - markers.get());
    long done = counters.processed();
    long lost = queue.drops();
    if (gone) {
      // no writer will take what is still queued (offered in the instant close() finished, or
      // left behind by a writer stopped by a VM error): it is lost, so it counts as dropped
      lost += queued;
      queued = 0;
    }
    return new AuditStats(done + lost + queued, counters.written(), lost, counters.sinkErrors(), queued);
  }

  public boolean flush() {
    if (closing) {
      return false;
    }
    CountDownLatch done = new CountDownLatch(1);
    markers.incrementAndGet();
    if (offerWaiting(new FlushMarker(done)) != null) { // a full ring waits for room, as BLOCK does
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
   * The writer thread's body. Only an error of the virtual machine itself (out of memory, stack
   * overflow) stops it; that is logged, and from then on every record offered is dropped and
   * counted (a caller waiting for room under BLOCK is released).
   */
  private void runLogged() {
    try {
      run();
    } catch (Throwable t) {
      // records taken in the same batch as the one being written when the writer stopped were
      // never handed to a sink: like the records left in the queue, they count as dropped
      int left = 0;
      for (int k = 0; k < batch.length; k++) {
        Object e = batch[k];
        batch[k] = null;
        if (e != null && !(e instanceof FlushMarker)) {
          left++;
          queue.countDrop();
        }
      }
      if (left > 0) {
        counters.addProcessed(-left);
      }
      LOG.error("the audit writer thread has stopped; records offered from now on are dropped and counted", t);
      throw t;
    }
  }

  /** Rethrows errors of the virtual machine; anything else a sink throws is the sink's failure. */
  private static void rethrowFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
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
          counters.addProcessed(records);
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
      AuditRecord r;
      try {
        r = build(e);
      } catch (Throwable ex) {
        rethrowFatal(ex);
        counters.addSinkError();
        LOG.error("could not build an audit record; counted as a sink error", ex);
        continue;
      }
      boolean ok = true;
      for (AuditSink s : sinks) {
        try {
          s.write(r);
        } catch (Throwable ex) {
          rethrowFatal(ex);
          ok = false;
          long errors = counters.addSinkError();
          LOG.error("audit sink {} failed to write a {} record; {} sink errors so far",
              s.getClass().getName(), r.kind(), errors, ex);
        }
      }
      dirty = true;
      if (ok) {
        counters.addWritten();
      }
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
        rethrowFatal(ex);
        counters.addSinkError();
        LOG.error("audit sink {} failed to close", s.getClass().getName(), ex);
      }
    }
    closed = true;
  }

  boolean closed() {
    return closed;
  }

  private void flushSinks() {
    for (AuditSink s : sinks) {
      try {
        s.flush();
      } catch (Throwable ex) {
        rethrowFatal(ex);
        counters.addSinkError();
        LOG.error("audit sink {} failed to flush", s.getClass().getName(), ex);
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
