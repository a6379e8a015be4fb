package dev.remit;

import dev.remit.spi.DecisionStage;
import dev.remit.spi.StageInput;
import dev.remit.spi.StageReads;
import dev.remit.spi.StageVerdict;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Decision stages written for the tests: a verdict function, a revision to bump, a call counter. */
final class TestStages {
  private TestStages() {}

  /** A stage's answer as a function of its input. */
  @FunctionalInterface
  interface Verdicts {
    StageVerdict decide(StageInput in) throws Exception;
  }

  /** A stage for tests: configurable name, reads, isolation and budget; counts its calls. */
  static final class Stage implements DecisionStage {
    final String name;
    final Verdicts verdicts;
    final StageReads reads;
    final Isolation isolation;
    final Duration budget;
    final AtomicLong revision = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();

    Stage(String name, Verdicts verdicts, StageReads reads, Isolation isolation, Duration budget) {
      this.name = name;
      this.verdicts = verdicts;
      this.reads = reads;
      this.isolation = isolation;
      this.budget = budget;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public StageReads reads() {
      return reads;
    }

    @Override
    public long revision() {
      return revision.get();
    }

    @Override
    public Duration timeBudget() {
      return budget;
    }

    @Override
    public Isolation isolation() {
      return isolation;
    }

    @Override
    public StageVerdict decide(StageInput input) throws Exception {
      calls.incrementAndGet();
      return verdicts.decide(input);
    }
  }

  /** Returns a stage that runs on the caller's thread, reads everything, with the default budget. */
  static Stage inline(String name, Verdicts v) {
    return new Stage(name, v, StageReads.everything(), DecisionStage.Isolation.CALLER_THREAD,
        DecisionStage.DEFAULT_TIME_BUDGET);
  }

  /** Returns a stage that runs on a worker thread with the given budget. */
  static Stage onWorker(String name, Verdicts v, Duration budget) {
    return new Stage(name, v, StageReads.everything(), DecisionStage.Isolation.WORKER_THREAD, budget);
  }
}
