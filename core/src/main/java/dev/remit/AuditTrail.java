package dev.remit;

import dev.remit.internal.audit.AuditWriter;
import dev.remit.internal.audit.Redactor;
import dev.remit.spi.AuditSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit trail of a decision point: give one to {@link Remit.Builder#audit} and every decision,
 * every guarded call's outcome ({@link Guard}) and every change of authority becomes an
 * {@link AuditRecord} delivered to the configured sinks.
 *
 * <pre>{@code
 * AuditTrail audit = AuditTrail.builder()
 *     .sink(AuditSinks.jsonLines(Path.of("audit.jsonl")).rotateAtBytes(64 << 20).build())
 *     .redact("args.card_number", "context.user_email")
 *     .build();
 * Remit remit = Remit.builder().policy(policy).audit(audit).build();
 * ...
 * remit.close(); // flushes the trail
 * }</pre>
 *
 * <p><b>Threads.</b> The calling thread only captures references and a few numbers and hands them to
 * a bounded queue; building the record, redaction, digests, serialization, hashing and I/O happen
 * on one writer thread ({@code remit-audit-writer}). When the queue is full the {@link QueuePolicy}
 * decides: make the caller wait for room, at most {@link Builder#maxWait}, or drop the record at
 * once; either way a record that does not fit is counted.
 *
 * <p><b>Security guarantees.</b> A sink that is slow, hangs or throws never changes a decision, and
 * delays a caller by at most {@link Builder#maxWait}. Whatever fails while one record is built or
 * written (an exception, or an error such as {@link OutOfMemoryError} from a huge value) loses only
 * that record; the writer goes on with the next. Drops and sink errors are counted
 * ({@link #stats()}) and logged under {@code dev.remit.audittrail}.
 * Redaction is applied before a record reaches any sink. The raw intent text is never recorded
 * unless {@link Builder#includeRawIntent()} is set; only its SHA-256 digest is.
 */
public final class AuditTrail implements AutoCloseable {
  /** Default queue capacity. */
  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  /** Largest queue capacity: 2^24 records (the queue's array is allocated up front). */
  public static final int MAX_QUEUE_CAPACITY = 1 << 24;

  /** Default {@link Builder#maxWait} in milliseconds. */
  public static final long DEFAULT_MAX_WAIT_MILLIS = 5;
  /** Default {@link Builder#maxWait}: {@value #DEFAULT_MAX_WAIT_MILLIS} ms. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(DEFAULT_MAX_WAIT_MILLIS);
  private static final Duration MAX_WAIT_NANOS = Duration.ofNanos(Long.MAX_VALUE);

  /** What happens when a record is offered and the queue is full. */
  public enum QueuePolicy {
    /**
     * The caller waits until the writer has made room, at most {@link Builder#maxWait} (default
     * {@link #DEFAULT_MAX_WAIT}); a record still not queued then is dropped and counted. Nothing is
     * lost while the writer keeps up within that time.
     */
    BLOCK,
    /** The record is dropped and counted in {@link AuditStats#dropped()} (the caller never waits). */
    DROP
  }

  private final AuditWriter writer;
  /** Whether the builder set the clock: then it is kept when the trail is attached to a Remit. */
  private final boolean clockSet;
  /** The clock records this trail stamps itself carry; see {@link #clock()}. */
  private volatile Clock clock;
  /** The clock of the first decision point this trail was attached to, or null. Guarded by {@code this}. */
  private Clock attachedTo;

  private AuditTrail(Builder b) {
    this.clockSet = b.clock != null;
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.writer = new AuditWriter(List.copyOf(b.sinks), b.capacity, b.policy == QueuePolicy.BLOCK,
        b.maxWait.toNanos(), new Redactor(b.redactions), b.rawIntent, b.arguments);
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the clock that stamps the records this trail times itself ({@link OutcomeReport}):
   * the one set with {@link Builder#clock}; else, once the trail is given to
   * {@link Remit.Builder#audit}, that decision point's clock (so every record carries the time of
   * the decision point); else the system clock in UTC. Decisions, guarded outcomes and changes of
   * authority are stamped by the decision point itself.
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Attaches the trail to a decision point with clock {@code decisionPoint}: a trail without a
   * clock of its own adopts it. A trail serves one clock: a second decision point with a clock
   * that is not {@linkplain Clock#equals equal} is refused, since its records would be stamped
   * by another time than the one it decides by.
   *
   * @throws IllegalStateException if the trail is attached to a decision point with another clock
   */
  synchronized void attach(Clock decisionPoint) {
    Objects.requireNonNull(decisionPoint, "clock");
    if (clockSet) {
      return;
    }
    if (attachedTo == null) {
      attachedTo = decisionPoint;
      clock = decisionPoint;
    } else if (!attachedTo.equals(decisionPoint)) {
      throw new IllegalStateException("this audit trail already records for a decision point with clock "
          + attachedTo + "; a decision point with clock " + decisionPoint + " would get records stamped by"
          + " another time. Give both the same clock, use a trail each, or set the trail's clock with"
          + " AuditTrail.Builder.clock(...)");
    }
  }

  /** Returns the counters: offered, written, dropped, sink errors, queued. */
  public AuditStats stats() {
    return writer.stats();
  }

  /**
   * Waits until every record offered before this call has been handed to the sinks and the sinks
   * have been flushed. Returns false if the trail is closed.
   */
  public boolean flush() {
    return writer.flush();
  }

  /** Flushes, stops the writer thread and closes the sinks. Records offered afterwards are dropped. */
  @Override
  public void close() {
    writer.close();
  }

  /**
   * Returns a report of what became of a call the host ran itself (without a {@link Guard}):
   * record its result, effects and the credentials issued for it, linked to {@code decision}.
   *
   * <pre>{@code
   * Decision d = remit.authorize(request);
   * if (d.allowed()) {
   *   String credId = broker.mint(d.obligations(Obligation.MINT_CREDENTIAL).get(0));
   *   long start = System.nanoTime();
   *   tool.run(request.args());
   *   audit.outcome(request, d).credentialIssued(credId).took(Duration.ofNanos(System.nanoTime() - start)).succeeded();
   * }
   * }</pre>
   */
  public OutcomeReport outcome(Request request, Decision decision) {
    return new OutcomeReport(this, Objects.requireNonNull(request, "request"), Objects.requireNonNull(decision, "decision"));
  }

  /** What became of one call; finish with {@link #succeeded()} or {@link #failed(String)}. Not thread-safe. */
  public static final class OutcomeReport {
    private final AuditTrail trail;
    private final Request request;
    private final Decision decision;
    private final Map<String, Object> changes = new java.util.LinkedHashMap<>();
    private final List<String> credentials = new ArrayList<>();
    private long nanos;
    private String executedDigest;
    private boolean done;

    private OutcomeReport(AuditTrail trail, Request request, Decision decision) {
      this.trail = trail;
      this.request = request;
      this.decision = decision;
    }

    /** Reports something the call changed. */
    public OutcomeReport changed(String what, Object detail) {
      changes.put(Objects.requireNonNull(what, "what"), detail);
      return this;
    }

    /** Reports the id of a credential issued for the call (never the secret). */
    public OutcomeReport credentialIssued(String credentialId) {
      credentials.add(Objects.requireNonNull(credentialId, "credentialId"));
      return this;
    }

    /** Sets how long the call ran. */
    public OutcomeReport took(java.time.Duration duration) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative, was " + duration);
      }
      this.nanos = duration.toNanos();
      return this;
    }

    /** Records the arguments that actually ran, when they may differ from the request's. */
    public OutcomeReport executedArgs(Map<String, Object> args) {
      this.executedDigest = dev.remit.internal.audit.Digests.args(Objects.requireNonNull(args, "args"));
      return this;
    }

    /** Records the call as succeeded. */
    public void succeeded() {
      finish(AuditRecord.Status.SUCCEEDED, null);
    }

    /** Records the call as failed with the given error description. */
    public void failed(String error) {
      finish(AuditRecord.Status.FAILED, Objects.requireNonNull(error, "error"));
    }

    private void finish(AuditRecord.Status status, String error) {
      if (done) {
        throw new IllegalStateException("outcome of decision " + decision.id() + " already recorded");
      }
      done = true;
      trail.executed(request, decision, status, executedDigest, nanos, changes, List.copyOf(credentials), error,
          false, trail.clock.instant());
    }
  }

  void decided(Request request, Decision decision, long latencyNanos, boolean cached) {
    writer.decided(request, decision, latencyNanos, cached);
  }

  void executed(Request request, Decision decision, AuditRecord.Status status, String executedDigest,
      long durationNanos, Map<String, Object> changes, List<String> credentials, String error,
      boolean refunded, java.time.Instant time) {
    writer.executed(request, decision, status, executedDigest, durationNanos, changes, credentials,
        error, refunded, time);
  }

  /**
   * Records a change of authority (see {@link AuditRecord.AuthorityRecord} for the actions and
   * {@code dev.remit.internal.audit.AuthorityRecords} for a factory per action). Like every
   * producer it waits at most {@link Builder#maxWait} for room and never throws for a full queue,
   * a closed trail or a failing sink: the record is then dropped and counted.
   */
  void authority(AuditRecord.AuthorityRecord record) {
    writer.offerRecord(Objects.requireNonNull(record, "record"));
  }

  /** Builder for {@link AuditTrail}. */
  public static final class Builder {
    private final List<AuditSink> sinks = new ArrayList<>();
    private int capacity = DEFAULT_QUEUE_CAPACITY;
    private QueuePolicy policy = QueuePolicy.BLOCK;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private final List<String> redactions = new ArrayList<>();
    private boolean rawIntent;
    private boolean arguments = true;
    private Clock clock;

    private Builder() {}

    /**
     * Sets the clock that stamps the records the trail times itself ({@link OutcomeReport}). By
     * default the trail adopts the clock of the {@link Remit} it is given to, which is what every
     * record should carry; set one only for a trail used without a decision point.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a sink; records go to every sink, in the order added. At least one is required. */
    public Builder sink(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Sets the queue capacity in records, 1 to {@value #MAX_QUEUE_CAPACITY} (default
     * {@value #DEFAULT_QUEUE_CAPACITY}). The queue's array of references is allocated when the
     * trail is built, rounded up to a power of two (at most 64 MiB with compressed references).
     */
    public Builder queueCapacity(int capacity) {
      if (capacity <= 0 || capacity > MAX_QUEUE_CAPACITY) {
        throw new IllegalArgumentException("queue capacity must be between 1 and " + MAX_QUEUE_CAPACITY
            + " (2^24; the queue's array is allocated up front), was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** Sets what happens when the queue is full (default {@link QueuePolicy#BLOCK}). */
    public Builder whenFull(QueuePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the longest any producer of a record (a caller of {@link Remit#authorize}, a
     * {@link Guard}, a change of authority) waits for room in a full queue under
     * {@link QueuePolicy#BLOCK}; a record not queued by then is dropped, counted in
     * {@link AuditStats#dropped()} and logged. Zero never waits (like {@link QueuePolicy#DROP}).
     * When a wait ran out without the writer taking a single record (a sink hangs), later producers
     * drop at once, without waiting, until the writer moves again. Under {@link QueuePolicy#DROP}
     * nobody waits and this setting does not apply.
     *
     * <p>The default, {@value #DEFAULT_MAX_WAIT_MILLIS} ms, is thousands of times what a decision
     * costs and longer than the hiccups a healthy writer has (a garbage-collection pause, a file
     * rotation, an fsync on flush: the writer frees up to 64 slots at a time), so a burst is absorbed
     * without loss; yet it is short enough that a sink that hangs costs each call no more than a
     * network round trip to a remote decision point would, instead of stalling every agent.
     *
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    public Builder maxWait(Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative (zero never waits), was " + maxWait);
      }
      // longer than ~292 years does not fit in nanoseconds: it means "as long as it takes"
      this.maxWait = maxWait.compareTo(MAX_WAIT_NANOS) > 0 ? MAX_WAIT_NANOS : maxWait;
      return this;
    }

    /**
     * Redacts the values at these field paths in every record before it reaches a sink, e.g.
     * {@code args.card_number}, {@code context.user_email}, {@code changes.token},
     * {@code args.payment.*}, {@code invoker}, {@code resource}. The first segment must be one of
     * {@code args}, {@code context}, {@code changes}, {@code invoker}, {@code resource}; {@code *}
     * matches any one key. The argument digest is still computed over the unredacted arguments.
     *
     * @throws IllegalArgumentException for a path with another root or an empty segment
     */
    public Builder redact(String... paths) {
      for (String p : paths) {
        Redactor.check(Objects.requireNonNull(p, "path"));
        redactions.add(p);
      }
      return this;
    }

    /**
     * Records the raw intent text ({@code context.intent}) as well as its digest. Off by default:
     * prompts can carry personal data and secrets.
     */
    public Builder includeRawIntent() {
      this.rawIntent = true;
      return this;
    }

    /** Records only the digest of the arguments, not their (redacted) values. */
    public Builder omitArguments() {
      this.arguments = false;
      return this;
    }

    /**
     * Returns the trail and starts its writer thread.
     *
     * @throws IllegalStateException if no sink was added
     */
    public AuditTrail build() {
      if (sinks.isEmpty()) {
        throw new IllegalStateException("an audit trail needs at least one sink: AuditTrail.builder().sink(...)");
      }
      return new AuditTrail(this);
    }
  }
}
