package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.remit.spi.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two decision points sharing one in-memory state store, on the same policy: what one changes, the
 * other applies before its next decision (cached or not); budgets and approval uses are the same
 * counters, so they are spent exactly once across both, also when both are called at once.
 */
@Timeout(60)
class SharedStoreTest {
  private static final Policy POLICY = base()
      .rule(Rule.requireApproval("mail-out", "finance").tool("mail").build()).build();

  /** Two decision points over one store; {@code cachedA}/{@code cachedB} say which has a cache. */
  private static final class Pair implements AutoCloseable {
    final StateStore store;
    final Remit a;
    final Remit b;

    Pair(boolean cachedA, boolean cachedB) {
      this(StateStore.inMemory(), cachedA, cachedB);
    }

    Pair(StateStore store, boolean cachedA, boolean cachedB) {
      this.store = store;
      MutableClock clock = Fixtures.clock();
      this.a = build(store, clock, cachedA);
      this.b = build(store, clock, cachedB);
    }

    private static Remit build(StateStore store, MutableClock clock, boolean cached) {
      Remit.Builder rb = Remit.builder().policy(POLICY).clock(clock).store(store);
      return (cached ? rb : rb.withoutDecisionCache()).build();
    }

    @Override
    public void close() {
      a.close();
      b.close();
      store.close();
    }
  }

  static Stream<Arguments> caches() {
    return Stream.of(Arguments.of(true, true), Arguments.of(true, false), Arguments.of(false, true),
        Arguments.of(false, false));
  }

  @ParameterizedTest(name = "cached A {0}, B {1}")
  @MethodSource("caches")
  void aGrantIssuedOnOneIsAllowedOnTheOtherAtItsNextDecision(boolean cachedA, boolean cachedB) {
    try (Pair p = new Pair(cachedA, cachedB)) {
      for (int i = 0; i < 2; i++) { // a DENY the other may have cached
        assertThat(p.b.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      }
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      Decision d = p.b.authorize(transfer("worker", 1));
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(d.grant()).isEqualTo("g");
      assertThat(p.b.grant("g")).isNotNull();
      assertThat(p.b.revision()).isEqualTo(p.a.revision());
      // and delegation on the other builds on it
      p.b.delegate("worker", Fixtures.subGrant("s", "g", "helper").allow("payments", ALL_OPS, "acct/1").build());
      assertThat(p.a.authorize(transfer("helper", 1)).allowed()).isTrue();
    }
  }

  @ParameterizedTest(name = "cached A {0}, B {1}")
  @MethodSource("caches")
  void aRevocationLifecycleOrRestrictionOnOneDeniesOnTheOtherAtItsNextDecision(boolean cachedA, boolean cachedB) {
    try (Pair p = new Pair(cachedA, cachedB)) {
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(p.a, rootGrant("h", "helper").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(p.a, rootGrant("o", "orch").allow("payments", ALL_OPS, "acct/**"));
      for (Remit r : List.of(p.a, p.b, p.a, p.b)) {
        assertThat(r.authorize(transfer("worker", 1)).allowed()).isTrue();
        assertThat(r.authorize(transfer("helper", 1)).allowed()).isTrue();
        assertThat(r.authorize(transfer("orch", 1)).allowed()).isTrue();
      }
      p.a.revokeGrant("g");
      assertThat(p.b.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.GRANT_REVOKED);
      p.b.suspendAgent("helper");
      assertThat(p.a.authorize(transfer("helper", 1)).codes()).containsExactly(ReasonCode.AGENT_SUSPENDED);
      p.a.restrictEntitlements("alice", List.of(Scope.all("crm", "**")));
      assertThat(p.b.authorize(transfer("orch", 1)).codes()).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
      p.b.liftEntitlementRestriction("alice");
      assertThat(p.a.authorize(transfer("orch", 1)).allowed()).isTrue();
      // a kill switch on either side for a grant the other revoked is harmless
      assertThat(p.b.revokeGrant("g")).containsExactly("g");
    }
  }

  @ParameterizedTest(name = "cached A {0}, B {1}")
  @MethodSource("caches")
  void aBudgetIsSpentExactlyOnceAcrossBoth(boolean cachedA, boolean cachedB) {
    try (Pair p = new Pair(cachedA, cachedB)) {
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(3));
      List<Boolean> allowed = new ArrayList<>();
      for (Remit r : List.of(p.b, p.a, p.b, p.a, p.b, p.a)) {
        allowed.add(r.authorize(transfer("worker", 1)).allowed());
      }
      assertThat(allowed).containsExactly(true, true, true, false, false, false);
      assertThat(p.a.remainingCalls("g")).isZero();
      assertThat(p.b.remainingCalls("g")).isZero();
    }
  }

  @ParameterizedTest(name = "cached A {0}, B {1}")
  @MethodSource("caches")
  void aBudgetIsSpentExactlyOnceAcrossBothUnderTwoThreads(boolean cachedA, boolean cachedB) throws Exception {
    for (int trial = 0; trial < 10; trial++) {
      try (Pair p = new Pair(cachedA, cachedB)) {
        int budget = trial % 2 == 0 ? 3 : 50;
        Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
        assertThat(p.b.remainingCalls("g")).isEqualTo(budget);
        AtomicInteger allowed = new AtomicInteger();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(2);
        List<Thread> threads = new ArrayList<>();
        for (Remit r : List.of(p.a, p.b)) {
          threads.add(new Thread(() -> {
            try {
              start.await();
            } catch (Exception e) {
              unexpected.add(e.toString());
              return;
            }
            for (int i = 0; i < budget; i++) {
              Decision d = r.authorize(transfer("worker", 1));
              if (d.allowed()) {
                allowed.incrementAndGet();
              } else if (!d.codes().equals(List.of(ReasonCode.MAX_CALLS_EXHAUSTED))) {
                unexpected.add(d.explain());
              }
            }
          }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(unexpected).isEmpty();
        assertThat(allowed.get()).as("trial %d", trial).isEqualTo(budget);
      }
    }
  }

  @Test
  void aRefundReportedToBothIsHonouredOnce() {
    try (Pair p = new Pair(true, true)) {
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(2));
      Decision d = p.a.authorize(transfer("worker", 1));
      assertThat(p.b.authorize(transfer("worker", 1)).allowed()).isTrue();
      CallReport failed = CallReport.failed(Duration.ZERO, "tool crashed", true);
      p.a.report(transfer("worker", 1), d, failed);
      p.b.report(transfer("worker", 1), d, failed); // the same decision, reported again elsewhere
      p.a.report(transfer("worker", 1), d, failed);
      assertThat(p.a.remainingCalls("g")).as("one call given back, once").isEqualTo(1);
      assertThat(p.b.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(p.a.authorize(transfer("worker", 1)).allowed()).isFalse();
    }
  }

  @Test
  void anApprovalIssuedOnOneIsUsableOnceAcrossBoth() {
    try (Pair p = new Pair(true, true)) {
      Fixtures.issue(p.a, rootGrant("m", "worker").allow("mail", ALL_OPS, "**"));
      Request mail = call("worker", "mail", "send", "out/1").arg("to", "bob@example.com").build();
      Approval a = p.a.approve(mail, "alice", "finance", Duration.ofMinutes(5));
      Decision onB = p.b.authorize(mail.withContext("approval", a.id()));
      assertThat(onB.allowed()).as(onB.explain()).isTrue();
      Decision onA = p.a.authorize(mail.withContext("approval", a.id()));
      assertThat(onA.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID);
      assertThat(onA.reasons().get(1).message()).contains("used up");
      assertThat(p.b.authorize(mail.withContext("approval", a.id())).allowed()).isFalse();
    }
  }

  @Test
  void anApprovalPresentedToBothAtOnceAllowsExactlyOneCall() throws Exception {
    for (int trial = 0; trial < 20; trial++) {
      try (Pair p = new Pair(true, true)) {
        Fixtures.issue(p.a, rootGrant("m", "worker").allow("mail", ALL_OPS, "**"));
        Request mail = call("worker", "mail", "send", "out/1").arg("to", "bob@example.com").build();
        Request presented = mail.withContext("approval", p.b.approve(mail, "alice", "finance", Duration.ofMinutes(5)).id());
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger allowed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (Remit r : List.of(p.a, p.b)) {
          threads.add(new Thread(() -> {
            try {
              start.await();
            } catch (Exception e) {
              return;
            }
            if (r.authorize(presented).allowed()) {
              allowed.incrementAndGet();
            }
          }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(allowed.get()).as("trial %d", trial).isEqualTo(1);
      }
    }
  }

  @Test
  void readsAndApprovalsOnTheOtherSeeTheChangesWithoutADecisionFirst() {
    try (Pair p = new Pair(true, true)) {
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(5));
      Fixtures.issue(p.a, rootGrant("m", "worker").allow("mail", ALL_OPS, "**"));
      // nothing has been decided on b yet
      assertThat(p.b.grant("g")).isNotNull();
      assertThat(p.b.remainingCalls("g")).isEqualTo(5);
      assertThat(p.b.activeGrants()).extracting(Grant::id).containsExactly("g", "m");
      Request mail = call("worker", "mail", "send", "out/1").arg("to", "bob@example.com").build();
      Approval a = p.b.approve(mail, "alice", "finance", Duration.ofMinutes(5));
      assertThat(p.a.authorize(mail.withContext("approval", a.id())).allowed()).isTrue();
      p.a.revokeGrant("g");
      assertThat(p.b.grant("g")).isNull();
      assertThat(p.b.activeGrants()).extracting(Grant::id).containsExactly("m");
    }
  }

  @Test
  void concurrentChangesOnBothAreAllAppliedOnBothAndAnIdIsTakenOnce() throws Exception {
    try (Pair p = new Pair(true, true)) {
      int each = 150;
      CyclicBarrier start = new CyclicBarrier(2);
      Queue<String> problems = new ConcurrentLinkedQueue<>();
      AtomicInteger won = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (Remit r : List.of(p.a, p.b)) {
        String side = r == p.a ? "a" : "b";
        threads.add(new Thread(() -> {
          try {
            start.await();
          } catch (Exception e) {
            problems.add(e.toString());
            return;
          }
          for (int i = 0; i < each; i++) {
            try {
              Fixtures.issue(r, rootGrant(side + "-" + i, "worker").allow("payments", ALL_OPS, "acct/" + side + i));
              Fixtures.issue(r, rootGrant("dup-" + i, "helper").allow("payments", ALL_OPS, "acct/" + i));
              won.incrementAndGet();
            } catch (GrantRefusedException e) {
              if (!e.getMessage().contains("a grant with this id exists or existed")) {
                problems.add(e.getMessage());
              }
            } catch (RuntimeException e) {
              problems.add(e.toString());
            }
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(problems).isEmpty();
      assertThat(won.get()).as("each shared id was issued by exactly one side").isEqualTo(each);
      for (Remit r : List.of(p.a, p.b)) {
        assertThat(r.authorize(transfer("helper", 1)).allowed()).isTrue();
        assertThat(r.activeGrants()).hasSize(3 * each);
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/b" + (each - 1)).arg("amount", 1).build())
            .allowed()).isTrue();
      }
      assertThat(p.a.revision()).isEqualTo(p.b.revision()).isEqualTo(p.store.head());
    }
  }

  @Test
  void aDecisionPointThatFellBehindTheFeedFailsClosedOnEveryDecisionNotJustTheFirst() {
    try (Pair p = new Pair(StateStore.inMemory(8), true, true)) {
      Fixtures.issue(p.a, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      assertThat(p.b.authorize(transfer("worker", 1)).allowed()).isTrue();
      p.a.revokeGrant("g");
      for (int i = 0; i < 20; i++) { // more changes than the feed keeps: B can no longer catch up
        p.a.suspendAgent("bot");
        p.a.resumeAgent("bot");
      }
      for (int i = 0; i < 3; i++) {
        Decision d = p.b.authorize(transfer("worker", 1));
        assertThat(d.outcome()).as("decision %d on the stale side: %s", i, d.explain()).isEqualTo(Outcome.DENY);
        assertThat(d.codes()).containsExactly(ReasonCode.EVALUATION_ERROR);
      }
      assertThatThrownBy(() -> p.b.suspendAgent("orch")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no longer kept");
      // reporting an outcome there still works: a report never throws for the state it cannot read
      Fixtures.issue(p.a, rootGrant("q", "helper").allow("s3", ALL_OPS, "**").maxCalls(2));
      Request get = call("helper", "s3", "get", "b/1").build();
      Decision allowed = p.a.authorize(get);
      assertThat(allowed.allowed()).isTrue();
      p.b.report(get, allowed, CallReport.failed(Duration.ZERO, "crashed", true));
      assertThat(p.b.authorize(transfer("worker", 1)).allowed()).isFalse();
      // a decision point rebuilt from an export of the other decides again
      try (Remit rebuilt = Remit.builder().policy(POLICY).clock(Fixtures.clock()).restore(p.a.exportState()).build()) {
        assertThat(rebuilt.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      }
    }
  }
}
