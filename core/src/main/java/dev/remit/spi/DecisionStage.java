package dev.remit.spi;

import java.time.Duration;

/**
 * An extra decision step after Remit's native checks: for example Rego policies evaluated by OPA,
 * or an organisation's own guardrail service. Register stages with
 * {@code Remit.builder().stage(stage)}; they run in the order registered.
 *
 * <p><b>Where it runs.</b> The pipeline is: request checks, identity and lifecycle, catalog, forbid
 * rules, grant chain and the principal's current entitlements, <em>then the decision stages</em>,
 * then require-approval rules, then call budgets (charged last, only once every stage has agreed).
 * A stage is called only when the native checks found the call allowed so far, so it can never
 * widen a native DENY. It sees the request and what the native checks resolved
 * ({@link StageInput}) and answers a {@link StageVerdict}: no objection (optionally with reasons
 * and obligations), deny, or require a human approval by a role.
 *
 * <p><b>Fail closed.</b> A stage that throws, answers null, runs past its {@link #timeBudget()} or
 * cannot be started because all stage threads are busy makes the decision a DENY with
 * {@code STAGE_FAILED}; nothing a stage does escapes {@code authorize()}.
 *
 * <p><b>Caching.</b> The decision cache keys on exactly what the stage declares it reads
 * ({@link #reads()}; by default the whole request) and drops a stage's decisions when its
 * {@link #revision()} changes. A stage whose answer depends on something else (a clock, a remote
 * service's data) must either change its revision when that changes or not be used with the cache.
 *
 * <p><b>Threads.</b> With {@link #isolation()} {@link Isolation#WORKER_THREAD} (the default) the
 * stage runs on one of Remit's stage threads and the caller waits at most the time budget; with
 * {@link Isolation#CALLER_THREAD} it runs on the caller's thread (no hand-off, so faster), and a
 * run past the budget is still a DENY once it returns — use it only for stages that bound their
 * own running time. Either way {@link #decide} may be called by many threads at once.
 */
public interface DecisionStage {
  /** The default time budget of a stage: 25 ms, half of the 50 ms a decision may take at most. */
  Duration DEFAULT_TIME_BUDGET = Duration.ofMillis(25);

  /** Where a stage runs. */
  enum Isolation {
    /** On one of Remit's bounded stage threads; the caller waits at most the time budget. */
    WORKER_THREAD,
    /** On the caller's thread; for stages that bound their own running time. */
    CALLER_THREAD
  }

  /** Returns the stage's name, an identifier used in reasons, obligations and audit records. */
  String name();

  /** Returns what the stage reads of the request; the cache keys on it (default: everything). */
  default StageReads reads() {
    return StageReads.everything();
  }

  /**
   * Returns the revision of the stage's policy and data. Whenever the stage's answers may change
   * (a new policy, new data), the revision must change <em>after</em> the new state is in use; the
   * decision cache then drops every decision made with the old one.
   */
  default long revision() {
    return 0L;
  }

  /** Returns how long one call of {@link #decide} may take (default {@link #DEFAULT_TIME_BUDGET}). */
  default Duration timeBudget() {
    return DEFAULT_TIME_BUDGET;
  }

  /** Returns where the stage runs (default {@link Isolation#WORKER_THREAD}). */
  default Isolation isolation() {
    return Isolation.WORKER_THREAD;
  }

  /**
   * Returns the stage's verdict on a call the native checks allow so far.
   *
   * @throws Exception any failure; the decision becomes a DENY with {@code STAGE_FAILED}
   */
  StageVerdict decide(StageInput input) throws Exception;
}
