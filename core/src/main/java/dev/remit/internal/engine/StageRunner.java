package dev.remit.internal.engine;

import dev.remit.Obligation;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.internal.Text;
import dev.remit.spi.DecisionStage;
import dev.remit.spi.StageInput;
import dev.remit.spi.StageVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the decision stages of a decision point, in order, and turns their verdicts into reasons,
 * approval requirements and obligations. Every way a stage can fail — throwing (any
 * {@code Throwable}), answering null, running past its budget, no stage thread free — is a
 * {@code STAGE_FAILED} denial; nothing a stage does escapes.
 */
final class StageRunner implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.remit.stage");

  /** What the stages said about one call. */
  static final class Result {
    /** Non-null when a stage denied or failed: the denial's reasons. */
    List<Reason> denied;
    /** Whether the denial was a failure (the decision must not be cached). */
    boolean failed;
    final List<Reason> notes = new ArrayList<>(0);
    final List<Approvals.Requirement> approvals = new ArrayList<>(0);
    final List<Reason> approvalReasons = new ArrayList<>(0);
    final List<Obligation> obligations = new ArrayList<>(0);
  }

  private final DecisionStage[] stages;
  private final String[] names;
  private final long[] budgets;
  private final boolean[] inline;
  private final int threads;
  private volatile ThreadPoolExecutor pool;
  /** Set by {@link #close}: no stage thread is started or used again. */
  private volatile boolean closed;
  private final LongAdder failures = new LongAdder();

  StageRunner(List<DecisionStage> stages, int threads) {
    this.stages = stages.toArray(new DecisionStage[0]);
    this.names = new String[this.stages.length];
    this.budgets = new long[this.stages.length];
    this.inline = new boolean[this.stages.length];
    for (int i = 0; i < this.stages.length; i++) {
      DecisionStage st = this.stages[i];
      names[i] = Text.requireId(st.name(), "decision stage name");
      Duration b = st.timeBudget();
      if (b == null || b.isNegative() || b.isZero() || b.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("decision stage '" + names[i] + "': time budget must be between 1 ns and 60 s, was " + b);
      }
      budgets[i] = b.toNanos();
      inline[i] = st.isolation() == DecisionStage.Isolation.CALLER_THREAD;
      if (st.reads() == null) {
        throw new IllegalArgumentException("decision stage '" + names[i] + "' declares no reads (null)");
      }
    }
    this.threads = threads;
  }

  boolean isEmpty() {
    return stages.length == 0;
  }

  DecisionStage[] stages() {
    return stages;
  }

  long failures() {
    return failures.sum();
  }

  /** Returns the stages' revisions now, in order (a stage that throws counts as a new revision each time). */
  long[] revisions() {
    long[] r = new long[stages.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = revision(i);
    }
    return r;
  }

  long revision(int i) {
    try {
      return stages[i].revision();
    } catch (Throwable t) {
      return Long.MIN_VALUE + System.nanoTime(); // never equal twice: nothing of it is cached
    }
  }

  int size() {
    return stages.length;
  }

  /** Returns the time budget of stage {@code i} in nanoseconds, as validated when the stages were built. */
  long budget(int i) {
    return budgets[i];
  }

  /** Runs every stage on {@code in} (in order, a denial stopping the rest) into {@code out}. */
  void run(java.util.function.IntFunction<StageInput> input, Result out) {
    for (int i = 0; i < stages.length; i++) {
      StageInput in = input.apply(i);
      StageVerdict v;
      long start = System.nanoTime();
      try {
        v = inline[i] ? stages[i].decide(in) : onWorker(i, in);
      } catch (TimeoutException e) {
        fail(out, i, "did not answer within its time budget of " + Duration.ofNanos(budgets[i]));
        return;
      } catch (RejectedExecutionException e) {
        fail(out, i, closed ? "could not run: the decision point is closed" : "could not run: every stage thread is busy");
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        LOG.warn("decision stage '{}' failed; denying (fail closed)", names[i], c);
        fail(out, i, "failed: " + Messages.failure(c));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(out, i, "was interrupted while the caller waited for it");
        return;
      } catch (Throwable t) {
        LOG.warn("decision stage '{}' failed; denying (fail closed)", names[i], t);
        fail(out, i, "failed: " + Messages.failure(t));
        return;
      }
      long took = System.nanoTime() - start;
      if (took > budgets[i]) {
        fail(out, i, "took " + Duration.ofNanos(took) + ", past its time budget of " + Duration.ofNanos(budgets[i]));
        return;
      }
      if (v == null) {
        fail(out, i, "answered nothing (null)");
        return;
      }
      String name = names[i];
      switch (v.kind()) {
        case DENY:
          List<Reason> d = new ArrayList<>(v.notes().size());
          for (StageVerdict.Note n : v.notes()) {
            d.add(reason(ReasonCode.STAGE_DENIED, name, n));
          }
          if (d.isEmpty()) {
            d.add(new Reason(ReasonCode.STAGE_DENIED, "stage '" + name + "' denied the call"));
          }
          out.denied = d;
          return;
        case REQUIRE_APPROVAL:
          String first = v.notes().isEmpty() ? null : v.notes().get(0).message();
          out.approvals.add(new Approvals.Requirement("stage:" + name, v.approverRole(), first, null));
          for (StageVerdict.Note n : v.notes()) {
            out.approvalReasons.add(reason(ReasonCode.APPROVAL_REQUIRED, name, n));
          }
          if (v.notes().isEmpty()) {
            out.approvalReasons.add(new Reason(ReasonCode.APPROVAL_REQUIRED, "stage '" + name
                + "' requires approval by role '" + v.approverRole() + "'"));
          }
          out.obligations.addAll(v.obligations());
          break;
        default:
          for (StageVerdict.Note n : v.notes()) {
            out.notes.add(reason(ReasonCode.STAGE_ALLOWED, name, n));
          }
          out.obligations.addAll(v.obligations());
          break;
      }
    }
  }

  private static Reason reason(ReasonCode code, String stage, StageVerdict.Note n) {
    return new Reason(code, "stage '" + stage + "': " + n.message(),
        n.agentMessage() == null ? code.agentText() : n.agentMessage());
  }

  private void fail(Result out, int i, String why) {
    failures.increment();
    out.failed = true;
    out.denied = List.of(new Reason(ReasonCode.STAGE_FAILED, "decision stage '" + names[i] + "' " + why));
  }

  private StageVerdict onWorker(int i, StageInput in) throws Exception {
    Future<StageVerdict> f = pool().submit(() -> stages[i].decide(in));
    try {
      return f.get(budgets[i], TimeUnit.NANOSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  private ThreadPoolExecutor pool() {
    ThreadPoolExecutor p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (closed) {
          throw new RejectedExecutionException("the stage threads are stopped");
        }
        if (p == null) {
          AtomicInteger n = new AtomicInteger();
          p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4),
              r -> {
                Thread t = new Thread(r, "remit-stage-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              }, new ThreadPoolExecutor.AbortPolicy());
          p.allowCoreThreadTimeOut(true);
          pool = p;
        }
      }
    }
    return p;
  }

  @Override
  public void close() {
    ThreadPoolExecutor p;
    synchronized (this) {
      closed = true; // before the pool is read: no decision starts one after this
      p = pool;
    }
    if (p != null) {
      p.shutdownNow();
    }
  }
}
