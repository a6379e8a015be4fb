package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.remit.spi.DecisionStage;
import dev.remit.spi.DecisionStage.Isolation;
import dev.remit.spi.StageInput;
import dev.remit.spi.StageReads;
import dev.remit.spi.StageVerdict;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decision stages (dev.remit.spi.DecisionStage) after the native checks: what each verdict does,
 * that a stage never sees nor widens a native denial, that every way a stage can fail is a
 * STAGE_FAILED denial that is counted and never cached, and what the decision cache keys on.
 * Stages that hang block on a latch; nothing sleeps.
 */
@Timeout(60)
class DecisionStagesTest {
  /** A budget no healthy stage gets near, even on a loaded CI machine. */
  private static final Duration GENEROUS = Duration.ofSeconds(10);
  /** The budget of stages meant to run past it. */
  private static final Duration SMALL = Duration.ofMillis(50);

  private static Remit remit(Policy policy, DecisionStage... stages) {
    return remit(policy, b -> b, stages);
  }

  private static Remit remit(Policy policy, Function<Remit.Builder, Remit.Builder> extra, DecisionStage... stages) {
    Remit.Builder b = Remit.builder().policy(policy).clock(Fixtures.clock());
    for (DecisionStage s : stages) {
      b.stage(s);
    }
    Remit remit = extra.apply(b).build();
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    return remit;
  }

  private static TestStages.Stage stage(String name, Isolation isolation, TestStages.Verdicts v) {
    return new TestStages.Stage(name, v, StageReads.everything(), isolation, GENEROUS);
  }

  private static void assertFailed(Decision d, String messagePart) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.STAGE_FAILED);
    assertThat(d.reasons().get(0).message()).contains(messagePart);
    assertThat(d.reasons().get(0).agentMessage()).isEqualTo(ReasonCode.STAGE_FAILED.agentText());
  }

  @Nested
  class Verdicts {
    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aStageDenialDeniesANativeAllowWithTheStagesOperatorAndAgentTexts(Isolation isolation) {
      TestStages.Stage fraud = stage("fraud", isolation, in -> StageVerdict.deny(
          "account " + in.request().resource() + " is on the watch list", "this account cannot be used now")
          .withReason("second signal", null));
      try (Remit remit = remit(base().build(), fraud)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.codes()).containsExactly(ReasonCode.STAGE_DENIED, ReasonCode.STAGE_DENIED);
        assertThat(d.reasons().get(0).message()).isEqualTo("stage 'fraud': account acct/1 is on the watch list");
        assertThat(d.reasons().get(0).agentMessage()).isEqualTo("this account cannot be used now");
        assertThat(d.reasons().get(1).agentMessage()).as("no agent text given: the code's standard one")
            .isEqualTo(ReasonCode.STAGE_DENIED.agentText());
        assertThat(d.grant()).isEqualTo("g");
        assertThat(d.obligations()).isEmpty();
        assertThat(remit.remainingCalls("g")).isEqualTo(Long.MAX_VALUE);
      }
    }

    @Test
    void aStageDenialChargesNoBudget() {
      TestStages.Stage no = TestStages.inline("no", in -> StageVerdict.deny("no", null));
      try (Remit remit = Remit.builder().policy(base().build()).clock(Fixtures.clock()).stage(no).build()) {
        Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(2));
        for (int i = 0; i < 3; i++) {
          assertThat(remit.authorize(transfer("worker", i)).codes()).containsExactly(ReasonCode.STAGE_DENIED);
        }
        assertThat(remit.remainingCalls("g")).isEqualTo(2);
      }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aStageApprovalIsGivenInTheStagesRoleAndIsBoundToTheArguments(Isolation isolation) {
      TestStages.Stage limits = stage("limits", isolation, in -> {
        long amount = ((Number) in.request().args().get("amount")).longValue();
        return amount > 100
            ? StageVerdict.requireApproval("cfo", "amounts over 100 need the CFO", "this call needs an approval")
                .withObligation(new Obligation.Custom("notify", Map.of("channel", "cfo-desk")))
            : StageVerdict.allow();
      });
      try (Remit remit = remit(base().build(), limits)) {
        assertThat(remit.authorize(transfer("worker", 100)).allowed()).isTrue();

        Decision needs = remit.authorize(transfer("worker", 500));
        assertThat(needs.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
        assertThat(needs.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
        assertThat(needs.reasons().get(0).message()).isEqualTo("stage 'limits': amounts over 100 need the CFO");
        assertThat(needs.reasons().get(0).agentMessage()).isEqualTo("this call needs an approval");
        assertThat(needs.obligations(Obligation.ApprovalNeeded.class))
            .containsExactly(new Obligation.ApprovalNeeded("stage:limits", "cfo", "amounts over 100 need the CFO"));
        assertThat(needs.obligations(Obligation.Custom.class))
            .containsExactly(new Obligation.Custom("notify", Map.of("channel", "cfo-desk")));

        assertThatThrownBy(() -> remit.approve(transfer("worker", 500), "alice", "finance", Duration.ofMinutes(5)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("stage 'limits' needs role 'cfo', not 'finance'");
        Approval a = remit.approve(transfer("worker", 500), "bob", "cfo", Duration.ofMinutes(5));
        assertThat(a.bound()).containsKey("args");

        for (Object other : List.of(501, 500.5, "500")) {
          Decision replay = remit.authorize(transfer("worker", other).withContext("approval", a.id()));
          assertThat(replay.outcome()).as("amount %s", other).isNotEqualTo(Outcome.ALLOW);
        }
        Decision replay = remit.authorize(transfer("worker", 501).withContext("approval", a.id()));
        assertThat(replay.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID);
        assertThat(replay.reasons().get(1).message()).contains("is bound to args");

        Decision ok = remit.authorize(transfer("worker", 500).withContext("approval", a.id()));
        assertThat(ok.outcome()).as(ok.explain()).isEqualTo(Outcome.ALLOW);
        assertThat(ok.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
        assertThat(ok.approval()).isEqualTo(a.id());

        Decision again = remit.authorize(transfer("worker", 500).withContext("approval", a.id()));
        assertThat(again.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID);
        assertThat(again.reasons().get(1).message()).contains("used up");
      }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aStageAllowAddsItsNotesAndCustomObligationsAfterTheGrantsOwn(Isolation isolation) {
      TestStages.Stage siem = stage("siem", isolation, in -> StageVerdict.allow()
          .withReason("logged to the SIEM", null)
          .withReason("risk score 3", "a risk check agreed")
          .withObligation(new Obligation.Custom("log-to-siem", Map.of("level", "high"))));
      try (Remit remit = Remit.builder().policy(base().build()).clock(Fixtures.clock()).stage(siem).build()) {
        Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
            .credential(new CredentialSpec("bank-api", List.of("transfer"), Duration.ofMinutes(5))));
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(d.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.STAGE_ALLOWED, ReasonCode.STAGE_ALLOWED);
        assertThat(d.reasons().get(1).message()).isEqualTo("stage 'siem': logged to the SIEM");
        assertThat(d.reasons().get(1).agentMessage()).isEqualTo(ReasonCode.STAGE_ALLOWED.agentText());
        assertThat(d.reasons().get(2).agentMessage()).isEqualTo("a risk check agreed");
        assertThat(d.obligations()).hasSize(2);
        assertThat(d.obligations().get(0)).isInstanceOf(Obligation.MintCredential.class);
        assertThat(d.obligations().get(1)).isEqualTo(new Obligation.Custom("log-to-siem", Map.of("level", "high")));
        // the same again from the cache, notes and obligations included
        Decision hit = remit.authorize(transfer("worker", 10));
        assertThat(hit.reasons()).isEqualTo(d.reasons());
        assertThat(hit.obligations()).isEqualTo(d.obligations());
        assertThat(remit.cacheStats().hits()).isEqualTo(1);
        assertThat(siem.calls).hasValue(1);
      }
    }

    @Test
    void aStageThatAllowsCannotLiftARequireApprovalRule() {
      TestStages.Stage yes = TestStages.inline("yes", in -> StageVerdict.allow());
      Policy p = base().rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build()).build();
      try (Remit remit = remit(p, yes)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
        assertThat(d.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
        assertThat(yes.calls).hasValue(1);
      }
    }
  }

  @Nested
  class NativeDenials {
    /** Requests the native checks deny, each with the code they deny it with. */
    static Stream<Arguments> denials() {
      return Stream.of(
          Arguments.of("no grant covers it", call("worker", "crm", "read", "crm/1").build(), ReasonCode.NO_MATCHING_GRANT),
          Arguments.of("a forbid rule", transfer("worker", 10).withContext("channel", "public"), ReasonCode.FORBIDDEN_BY_RULE),
          Arguments.of("a constraint", transfer("worker", 950), ReasonCode.CONSTRAINT_VIOLATED),
          Arguments.of("a type mismatch", transfer("worker", "950"), ReasonCode.ATTRIBUTE_TYPE_MISMATCH),
          Arguments.of("a missing argument", call("worker", "payments", "transfer", "acct/1").build(), ReasonCode.MISSING_ATTRIBUTE),
          Arguments.of("an unknown tool", call("worker", "paymentz", "transfer", "acct/1").build(), ReasonCode.UNKNOWN_TOOL),
          Arguments.of("an unknown operation", call("worker", "payments", "refund", "acct/1").build(), ReasonCode.UNKNOWN_OPERATION),
          Arguments.of("an unknown agent", transfer("ghost", 10), ReasonCode.UNKNOWN_AGENT),
          Arguments.of("a malformed request", Request.of("worker", "payments", "transfer").build(), ReasonCode.MALFORMED_REQUEST),
          Arguments.of("an invalid name", call("worker", "payments", "transfer", "acct/../x").arg("amount", 1).build(), ReasonCode.INVALID_NAME),
          Arguments.of("a suspended agent", transfer("helper", 10), ReasonCode.AGENT_SUSPENDED),
          Arguments.of("a revoked grant", call("bot.connector", "s3", "get", "b/1").build(), ReasonCode.GRANT_REVOKED),
          Arguments.of("an exhausted budget", call("bot", "db", "query", "t/1").build(), ReasonCode.MAX_CALLS_EXHAUSTED),
          Arguments.of("a delegator suspended", call("worker", "mail", "send", "m/1").build(), ReasonCode.DELEGATOR_INACTIVE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denials")
    void aStageIsNeverCalledForANativeDenyAndCannotTurnItIntoAnAllow(String what, Request request, ReasonCode code) {
      for (Isolation isolation : Isolation.values()) {
        TestStages.Stage eager = stage("eager", isolation, in -> StageVerdict.allow().withReason("looks fine", null));
        Policy p = base().rule(Rule.forbid("no-public").when("context.channel == public")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build()).build();
        try (Remit remit = Remit.builder().policy(p).clock(Fixtures.clock()).stage(eager).build()) {
          Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 900"));
          Fixtures.issue(remit, rootGrant("h", "helper").allow("payments", ALL_OPS, "acct/**"));
          Fixtures.issue(remit, rootGrant("r", "bot.connector").allow("s3", ALL_OPS, "**"));
          Fixtures.issue(remit, rootGrant("q", "bot").allow("db", ALL_OPS, "**").maxCalls(1));
          Fixtures.issue(remit, rootGrant("m", "orch").allow("mail", ALL_OPS, "**"));
          Fixtures.issue(remit, Fixtures.subGrant("m-sub", "m", "worker").allow("mail", ALL_OPS, "**"));
          remit.revokeGrant("r");
          assertThat(remit.authorize(call("bot", "db", "query", "t/1").build()).allowed()).isTrue();
          remit.suspendAgent("helper");
          eager.calls.set(0);
          remit.suspendAgent("orch");

          for (int i = 0; i < 2; i++) { // evaluated, then perhaps from the cache: the same answer
            Decision d = remit.authorize(request);
            assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
            assertThat(d.codes()).as(d.explain()).containsExactly(code);
            assertThat(d.codes()).doesNotContain(ReasonCode.STAGE_ALLOWED);
          }
          assertThat(eager.calls).as("%s on %s", what, isolation).hasValue(0);
        }
      }
    }
  }

  @Nested
  class Failures {
    static int recurse(int n) {
      return recurse(n + 1) + 1;
    }

    static Stream<Arguments> failures() {
      List<Arguments> out = new ArrayList<>();
      List<Object[]> ways = List.of(
          new Object[] {"a checked exception", (TestStages.Verdicts) in -> {
            throw new IOException("fraud service unreachable");
          }, "IOException: fraud service unreachable"},
          new Object[] {"a runtime exception", (TestStages.Verdicts) in -> {
            throw new IllegalStateException("bad state");
          }, "IllegalStateException: bad state"},
          new Object[] {"an AssertionError", (TestStages.Verdicts) in -> {
            throw new AssertionError("invariant broken");
          }, "AssertionError: invariant broken"},
          new Object[] {"a thrown StackOverflowError", (TestStages.Verdicts) in -> {
            throw new StackOverflowError("deep");
          }, "StackOverflowError"},
          new Object[] {"a real stack overflow", (TestStages.Verdicts) in -> {
            recurse(0);
            return StageVerdict.allow();
          }, "StackOverflowError"},
          new Object[] {"an OutOfMemoryError", (TestStages.Verdicts) in -> {
            throw new OutOfMemoryError("stage heap");
          }, "OutOfMemoryError: stage heap"},
          new Object[] {"a null answer", (TestStages.Verdicts) in -> null, "answered nothing (null)"});
      for (Object[] w : ways) {
        for (Isolation isolation : Isolation.values()) {
          out.add(Arguments.of(w[0] + " on " + isolation, w[1], isolation, w[2]));
        }
      }
      return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void everyWayAStageFailsIsStageFailedCountedNeverCachedAndNeverEscapes(String what, TestStages.Verdicts v,
        Isolation isolation, String messagePart) {
      TestStages.Stage flaky = stage("flaky", isolation, v);
      try (Remit remit = remit(base().build(), flaky)) {
        for (int i = 1; i <= 3; i++) {
          Decision d = remit.authorize(transfer("worker", 10));
          assertFailed(d, "decision stage 'flaky' ");
          assertThat(d.reasons().get(0).message()).contains(messagePart);
          assertThat(remit.engine().stageFailures()).isEqualTo(i);
        }
        assertThat(flaky.calls).as("a failure is never served from the cache").hasValue(3);
        assertThat(remit.cacheStats().hits()).isZero();
        assertThatThrownBy(() -> remit.enforce(transfer("worker", 10))).isInstanceOf(NotAuthorizedException.class)
            .hasMessageNotContaining("flaky");
      }
    }

    @Test
    void aStageThatHangsOnAWorkerThreadIsStageFailedOnceItsBudgetIsSpent() {
      CountDownLatch release = new CountDownLatch(1);
      TestStages.Stage slow = TestStages.onWorker("slow", in -> {
        release.await();
        return StageVerdict.allow();
      }, SMALL);
      try (Remit remit = remit(base().build(), slow)) {
        try {
          Decision d = remit.authorize(transfer("worker", 10));
          assertFailed(d, "decision stage 'slow' did not answer within its time budget of PT0.05S");
          assertFailed(remit.authorize(transfer("worker", 10)), "did not answer within its time budget");
          assertThat(remit.engine().stageFailures()).isEqualTo(2);
          assertThat(remit.cacheStats().hits()).isZero();
        } finally {
          release.countDown();
        }
      }
    }

    @Test
    void aStageThatRunsPastItsBudgetOnTheCallerThreadIsStageFailedOnceItReturns() {
      AtomicInteger answered = new AtomicInteger();
      TestStages.Stage spin = new TestStages.Stage("spin", in -> {
        long end = System.nanoTime() + Duration.ofMillis(5).toNanos();
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        answered.incrementAndGet();
        return StageVerdict.allow();
      }, StageReads.everything(), Isolation.CALLER_THREAD, Duration.ofMillis(1));
      try (Remit remit = remit(base().build(), spin)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertFailed(d, "past its time budget of PT0.001S");
        assertThat(answered).as("it ran to the end on the caller's thread").hasValue(1);
        assertFailed(remit.authorize(transfer("worker", 10)), "past its time budget");
        assertThat(spin.calls).hasValue(2);
        assertThat(remit.engine().stageFailures()).isEqualTo(2);
      }
    }

    @Test
    void aFullStagePoolIsStageFailedAndTheBlockedStageIsNotCalledAgain() throws InterruptedException {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean released = new AtomicBoolean();
      // blocked in a call that ignores interrupts, as a stuck socket read does
      TestStages.Stage stuck = TestStages.onWorker("stuck", in -> {
        if (!released.get()) {
          entered.countDown();
          while (true) {
            try {
              release.await();
              break;
            } catch (InterruptedException ignored) {
              // keep waiting: cancelling the call does not free the thread
            }
          }
        }
        return StageVerdict.allow();
      }, SMALL);
      try (Remit remit = remit(base().build(), b -> b.stageThreads(1), stuck)) {
        List<String> messages = new ArrayList<>();
        int calls = 0;
        try {
          // until the one stage thread is stuck in the stage (a call cancelled before its task
          // started leaves the thread free for the next)
          while (entered.getCount() > 0 && calls < 50) {
            assertFailed(remit.authorize(transfer("worker", calls)), "did not answer within its time budget");
            calls++;
          }
          assertThat(entered.getCount()).isZero();
          for (int i = 0; i < 12; i++) {
            Decision d = remit.authorize(transfer("worker", 100 + i));
            assertFailed(d, "decision stage 'stuck' ");
            messages.add(d.reasons().get(0).message());
            calls++;
          }
        } finally {
          released.set(true);
          release.countDown();
        }
        assertThat(messages).as("once nothing can take the call it fails at once")
            .anyMatch(m -> m.endsWith("could not run: every stage thread is busy"));
        assertThat(messages.get(messages.size() - 1)).endsWith("could not run: every stage thread is busy");
        assertThat(stuck.calls).as("no call queued behind the stuck one ran it").hasValue(1);
        assertThat(remit.engine().stageFailures()).isEqualTo(calls);
      }
    }

    @Test
    void afterCloseAStageOnAWorkerThreadFailsClosedWhetherOrNotItEverRan() {
      for (boolean usedBefore : new boolean[] {false, true}) {
        TestStages.Stage fine = TestStages.onWorker("fine", in -> StageVerdict.allow(), GENEROUS);
        TestStages.Stage inline = TestStages.inline("inline", in -> StageVerdict.allow());
        Remit remit = remit(base().build(), Remit.Builder::withoutDecisionCache, fine);
        Remit inlineOnly = remit(base().build(), Remit.Builder::withoutDecisionCache, inline);
        if (usedBefore) {
          assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        }
        int calls = fine.calls.get();
        remit.close();
        inlineOnly.close();
        Decision d = remit.authorize(transfer("worker", 10));
        assertFailed(d, "decision stage 'fine' could not run: the decision point is closed");
        assertThat(fine.calls).as("used before: %s", usedBefore).hasValue(calls);
        assertThat(inlineOnly.authorize(transfer("worker", 10)).allowed())
            .as("stages on the caller's thread need no stage thread").isTrue();
      }
    }

    @Test
    void anInterruptedCallerIsStageFailedAndKeepsItsInterrupt() {
      CountDownLatch release = new CountDownLatch(1);
      // the stage answers only once released, so the caller is still waiting when it sees its interrupt
      TestStages.Stage fine = TestStages.onWorker("fine", in -> {
        release.await();
        return StageVerdict.allow();
      }, GENEROUS);
      try (Remit remit = remit(base().build(), fine)) {
        Thread.currentThread().interrupt();
        Decision d;
        try {
          d = remit.authorize(transfer("worker", 10));
        } finally {
          assertThat(Thread.interrupted()).as("the interrupt is left for the caller").isTrue();
          release.countDown();
        }
        assertThat(d.reasons().get(0).message()).contains("was interrupted while the caller waited for it");
        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.codes()).containsExactly(ReasonCode.STAGE_FAILED);
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).as("not cached").isTrue();
      }
    }

    @Test
    void aStagesBudgetIsTheOneValidatedAtBuildEvenIfItsTimeBudgetLaterThrowsOrChanges() {
      java.util.concurrent.atomic.AtomicReference<Object> budget = new java.util.concurrent.atomic.AtomicReference<>(GENEROUS);
      List<Duration> given = Collections.synchronizedList(new ArrayList<>());
      DecisionStage s = new DecisionStage() {
        @Override
        public String name() {
          return "configured";
        }

        @Override
        public Duration timeBudget() {
          Object b = budget.get();
          if (b instanceof RuntimeException) {
            throw (RuntimeException) b;
          }
          return (Duration) b;
        }

        @Override
        public Isolation isolation() {
          return Isolation.CALLER_THREAD;
        }

        @Override
        public StageVerdict decide(StageInput input) {
          given.add(input.budget());
          return StageVerdict.allow();
        }
      };
      try (Remit remit = remit(base().build(), Remit.Builder::withoutDecisionCache, s)) {
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        budget.set(new IllegalStateException("configuration store unreachable"));
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.ALLOW);
        budget.set(Duration.ofNanos(1)); // invalid had it been given at build
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        budget.set(null);
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        assertThat(given).as("every call is given the budget that is enforced").containsOnly(GENEROUS).hasSize(4);
        assertThat(remit.engine().stageFailures()).isZero();
      }
    }
  }

  @Nested
  class Order {
    @Test
    void stagesRunInTheOrderAddedAndTheirNotesFollowThatOrder() {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      TestStages.Stage a = stage("a", Isolation.WORKER_THREAD, in -> {
        order.add("a");
        return StageVerdict.allow().withReason("a agrees", null);
      });
      TestStages.Stage b = stage("b", Isolation.CALLER_THREAD, in -> {
        order.add("b");
        return StageVerdict.allow().withReason("b agrees", null);
      });
      try (Remit remit = remit(base().build(), Remit.Builder::withoutDecisionCache, a, b)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.allowed()).isTrue();
        assertThat(d.reasons()).extracting(Reason::message)
            .containsExactly("covered by grant 'g' held by 'worker' on behalf of 'alice'", "stage 'a': a agrees",
                "stage 'b': b agrees");
        assertThat(order).containsExactly("a", "b");
      }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void theFirstDenialStopsTheStagesAfterIt(Isolation isolation) {
      TestStages.Stage first = stage("first", isolation, in -> StageVerdict.deny("first says no", null));
      TestStages.Stage second = stage("second", isolation, in -> StageVerdict.allow());
      try (Remit remit = remit(base().build(), first, second)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.codes()).containsExactly(ReasonCode.STAGE_DENIED);
        assertThat(second.calls).hasValue(0);
      }
      TestStages.Stage broken = stage("broken", isolation, in -> null);
      TestStages.Stage after = stage("after", isolation, in -> StageVerdict.allow());
      try (Remit remit = remit(base().build(), broken, after)) {
        assertFailed(remit.authorize(transfer("worker", 10)), "decision stage 'broken' answered nothing");
        assertThat(after.calls).as("a failure stops the rest too").hasValue(0);
      }
    }

    @Test
    void aLaterStagesDenialWinsOverAnEarlierStagesApprovalRequest() {
      TestStages.Stage ask = TestStages.inline("ask", in -> StageVerdict.requireApproval("cfo", "ask the CFO", null));
      TestStages.Stage no = TestStages.inline("no", in -> StageVerdict.deny("blocked payee", null));
      try (Remit remit = remit(base().build(), ask, no)) {
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.codes()).containsExactly(ReasonCode.STAGE_DENIED);
        assertThat(d.obligations()).isEmpty();
        assertThatThrownBy(() -> remit.approve(transfer("worker", 10), "bob", "cfo", Duration.ofMinutes(1)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("denied");
      }
    }
  }

  @Nested
  class Caching {
    private Request payment(Object amount, String memo) {
      return Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", amount)
          .arg("memo", memo).context("channel", "chat").context("traceparent", "00-aa-01").context("intent", "pay rent")
          .resourceProperty("owner", "ops").build();
    }

    @Test
    void aStageReadingPathsIsKeyedOnThoseAndOnNothingElse() {
      TestStages.Stage s = new TestStages.Stage("amounts", in -> StageVerdict.allow(),
          StageReads.paths("args.amount", "context.channel"), Isolation.CALLER_THREAD, GENEROUS);
      try (Remit remit = remit(base().build(), s)) {
        remit.authorize(payment(10, "rent"));
        // undeclared: another memo, resource property, trace id: the same key
        remit.authorize(payment(10, "groceries"));
        remit.authorize(payment(10, "rent").withContext("traceparent", "00-bb-01"));
        remit.authorize(payment(10, "rent").withContext("session", "s-2"));
        assertThat(s.calls).hasValue(1);
        assertThat(remit.cacheStats().hits()).isEqualTo(3);
        // declared: another amount, or channel, is another key
        remit.authorize(payment(11, "rent"));
        remit.authorize(payment(10L, "rent"));
        remit.authorize(payment(10, "rent").withContext("channel", "email"));
        assertThat(s.calls).hasValue(4);
        assertThat(remit.cacheStats().hits()).isEqualTo(3);
      }
    }

    @Test
    void aStageReadingEverythingIsKeyedOnTheWholeRequestButTraceAndIntent() {
      TestStages.Stage s = TestStages.inline("all", in -> StageVerdict.allow());
      try (Remit remit = remit(base().build(), s)) {
        Request base = payment(10, "rent");
        remit.authorize(base);
        List<Request> same = List.of(base.withContext("traceparent", "00-cc-01"), base.withContext("intent", "other"),
            base.withContext("traceparent", "00-dd-01").withContext("intent", "yet another"));
        for (Request r : same) {
          remit.authorize(r);
        }
        assertThat(s.calls).as("trace and intent are audit-only").hasValue(1);
        List<Request> different = List.of(payment(10, "groceries"), payment(10.0, "rent"),
            base.withContext("channel", "email"), base.withContext("session", "s-1"),
            Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", 10).arg("memo", "rent")
                .context("channel", "chat").resourceProperty("owner", "finance").build(),
            Request.of("worker", "payments", "transfer").resource("account", "acct/1").arg("amount", 10)
                .arg("memo", "rent").context("channel", "chat").resourceProperty("owner", "ops").build());
        for (Request r : different) {
          remit.authorize(r);
        }
        assertThat(s.calls).as("every other change of the input is another key").hasValue(1 + different.size());
        assertThat(remit.cacheStats().hits()).isEqualTo(same.size());
      }
    }

    @Test
    void aNewStageRevisionDropsTheStagesCachedDecisions() {
      AtomicBoolean deny = new AtomicBoolean();
      TestStages.Stage s = new TestStages.Stage("rego", in -> deny.get() ? StageVerdict.deny("new rule", null)
          : StageVerdict.allow(), StageReads.nothing(), Isolation.CALLER_THREAD, GENEROUS);
      try (Remit remit = remit(base().build(), s)) {
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        assertThat(remit.authorize(transfer("worker", 10)).allowed()).isTrue();
        assertThat(remit.cacheStats().hits()).isEqualTo(1);
        deny.set(true);
        s.revision.incrementAndGet(); // after the new state is in use, as the SPI asks
        Decision d = remit.authorize(transfer("worker", 10));
        assertThat(d.codes()).containsExactly(ReasonCode.STAGE_DENIED);
        assertThat(remit.cacheStats().invalidated()).isEqualTo(1);
        assertThat(remit.authorize(transfer("worker", 10)).codes()).containsExactly(ReasonCode.STAGE_DENIED);
        assertThat(s.calls).hasValue(2);
        assertThat(remit.cacheStats().hits()).isEqualTo(2);
      }
    }

    @Test
    void aStageWhoseRevisionThrowsDisablesCachingInsteadOfFailing() {
      AtomicInteger calls = new AtomicInteger();
      DecisionStage s = new DecisionStage() {
        @Override
        public String name() {
          return "moody";
        }

        @Override
        public long revision() {
          throw new IllegalStateException("revision store down");
        }

        @Override
        public Isolation isolation() {
          return Isolation.CALLER_THREAD;
        }

        @Override
        public StageVerdict decide(StageInput input) {
          calls.incrementAndGet();
          return StageVerdict.allow();
        }
      };
      try (Remit remit = remit(base().build(), s)) {
        for (int i = 0; i < 5; i++) {
          Decision d = remit.authorize(transfer("worker", 10));
          assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.ALLOW);
        }
        assertThat(calls).hasValue(5);
        assertThat(remit.cacheStats().hits()).isZero();
        assertThat(remit.engine().stageFailures()).isZero();
      }
    }
  }
}
