package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Call budgets belong to the grant id: a policy swap that drops a grant and a later one that
 * brings it back do not refill it, an export and restore carries budgets and open approvals over,
 * and siblings under one limited ancestor never spend more than it allows, however many threads
 * call at once.
 */
@Timeout(60)
class BudgetContinuityTest {
  private static Policy withQuota(String version, long maxCalls) {
    return base().version(version)
        .grant(rootGrant("quota", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(maxCalls).build())
        .grant(rootGrant("parent", "orch").allow("s3", ALL_OPS, "**").maxCalls(maxCalls).build())
        .build();
  }

  private static Request get(String subject) {
    return call(subject, "s3", "get", "b/1").build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aSwapThatDropsAGrantAndOneThatBringsItBackDoNotRefillItsBudget(boolean cached) {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = Fixtures.remit(withQuota("A", 3), clock, cached)) {
      // a runtime sub-grant under the document grant: its calls are charged to the document grant too
      remit.delegate("orch", subGrant("child", "parent", "helper").allow("s3", ALL_OPS, "**").maxCalls(3).build());
      // a short-lived runtime grant, so that sweeps (and the store's forgetting of counters) run meanwhile
      Fixtures.issue(remit, rootGrant("brief", "bot").allow("crm", ALL_OPS, "**").ttl(Duration.ofMinutes(1)));
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(get("helper")).allowed()).isTrue();
      assertThat(remit.authorize(get("orch")).allowed()).isTrue();

      remit.swapPolicy(base().version("B").build());
      assertThat(remit.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      assertThat(remit.authorize(get("helper")).codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      clock.advance(Duration.ofMinutes(5));
      assertThat(remit.authorize(call("bot", "crm", "read", "c/1").build()).allowed()).isFalse(); // swept
      remit.suspendAgent("bot"); // a change: it sweeps and lets the store forget what it may

      remit.swapPolicy(withQuota("A-again", 3));
      assertThat(remit.remainingCalls("quota")).isEqualTo(1);
      assertThat(remit.remainingCalls("parent")).isEqualTo(1);
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
      assertThat(remit.authorize(get("helper")).allowed()).isTrue();
      assertThat(remit.authorize(get("orch")).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);

      // a document that raises the budget of the same id continues from what was used
      remit.swapPolicy(withQuota("A-more", 5));
      assertThat(remit.remainingCalls("quota")).isEqualTo(2);
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
    }
  }

  private static Policy exported() {
    return base().version("exp")
        .rule(Rule.requireApproval("mail-out", "finance").tool("mail").build())
        .grant(rootGrant("dq", "helper").allow("s3", ALL_OPS, "**").maxCalls(3).build())
        .grant(rootGrant("docgone", "helper").allow("crm", ALL_OPS, "**").build())
        .build();
  }

  private static Request mail(String to) {
    return call("worker", "mail", "send", "mail/out").arg("to", to).build();
  }

  @Test
  void aRestoreFromAnExportKeepsBudgetsOpenApprovalsAndEverythingThatEnded() {
    MutableClock clock = Fixtures.clock();
    try (Remit first = Fixtures.remit(exported(), clock)) {
      restoreFrom(first, clock);
    }
  }

  private static void restoreFrom(Remit first, MutableClock clock) {
    Fixtures.issue(first, rootGrant("rt", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(4));
    Fixtures.issue(first, rootGrant("m", "worker").allow("mail", ALL_OPS, "**"));
    Fixtures.issue(first, rootGrant("gone", "orch").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(first, rootGrant("up", "orch").allow("db", ALL_OPS, "**"));
    Fixtures.issue(first, subGrant("down", "up", "bot").allow("db", ALL_OPS, "**").maxCalls(2));
    for (int i = 0; i < 3; i++) {
      assertThat(first.authorize(transfer("worker", 1)).allowed()).isTrue();
    }
    assertThat(first.authorize(get("helper")).allowed()).isTrue();
    assertThat(first.authorize(call("bot", "db", "query", "t/1").build()).allowed()).isTrue();
    Approval open = first.approve(mail("bob@example.com"), "alice", "finance", Duration.ofMinutes(10));
    Approval used = first.approve(mail("eve@example.com"), "alice", "finance", Duration.ofMinutes(10));
    assertThat(first.authorize(mail("eve@example.com").withContext("approval", used.id())).allowed()).isTrue();
    first.revokeGrant("gone");
    first.revokeGrant("docgone");
    first.suspendAgent("bot.connector");
    first.restrictEntitlements("bob", List.of(Scope.of("crm", List.of("read"), "crm/**")));

    List<dev.remit.spi.StateChange> state = first.exportState();
    try (Remit second = Remit.builder().policy(exported()).clock(clock).restore(state).build()) {
      assertThat(second.remainingCalls("rt")).isEqualTo(1);
      assertThat(second.remainingCalls("dq")).isEqualTo(2);
      assertThat(second.remainingCalls("down")).isEqualTo(1);
      assertThat(second.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(second.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
      assertThat(second.authorize(call("bot", "db", "query", "t/1").build()).allowed()).isTrue();
      assertThat(second.authorize(call("bot", "db", "query", "t/1").build()).codes())
          .containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);

      assertThat(second.authorize(mail("eve@example.com").withContext("approval", used.id())).allowed())
          .as("a used approval stays used").isFalse();
      Decision d = second.authorize(mail("bob@example.com").withContext("approval", open.id()));
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(second.authorize(mail("bob@example.com").withContext("approval", open.id())).allowed()).isFalse();

      assertThat(second.authorize(transfer("orch", 1)).allowed()).as("a revoked runtime grant stays gone").isFalse();
      assertThat(second.authorize(call("helper", "crm", "read", "c/1").build()).codes())
          .containsExactly(ReasonCode.GRANT_REVOKED);
      assertThat(second.authorize(call("bot.connector", "db", "query", "t/1").build()).codes())
          .containsExactly(ReasonCode.AGENT_SUSPENDED);
      assertThat(second.exportState()).as("the restored state exports the same way, counters included")
          .filteredOn(c -> c instanceof dev.remit.spi.StateChange.EntitlementsChanged).hasSize(1);
    }
    // the two decision points share nothing: the first still has its own counts
    assertThat(first.remainingCalls("rt")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void siblingsAndTheirDescendantsNeverSpendMoreThanTheirLimitedAncestorUnderConcurrency(boolean cached)
      throws Exception {
    int budget = 60;
    for (int trial = 0; trial < 4; trial++) {
      try (Remit remit = Fixtures.remit(base().build(), Fixtures.clock(), cached)) {
        Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
        Fixtures.issue(remit, subGrant("a", "root", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(40));
        Fixtures.issue(remit, subGrant("b", "root", "helper").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
        Fixtures.issue(remit, subGrant("c", "root", "bot").allow("payments", ALL_OPS, "acct/**").maxCalls(25));
        Fixtures.issue(remit, subGrant("c1", "c", "bot.planner").allow("payments", ALL_OPS, "acct/**").maxCalls(25));
        List<String> callers = List.of("worker", "helper", "bot", "bot.planner");
        CyclicBarrier start = new CyclicBarrier(callers.size());
        AtomicInteger allowed = new AtomicInteger();
        Queue<Decision> allows = new ConcurrentLinkedQueue<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (String caller : callers) {
          threads.add(new Thread(() -> {
            try {
              start.await();
            } catch (Exception e) {
              unexpected.add(e.toString());
              return;
            }
            for (int i = 0; i < budget; i++) {
              Decision d = remit.authorize(transfer(caller, 1));
              if (d.allowed()) {
                allowed.incrementAndGet();
                allows.add(d);
              } else if (!d.codes().equals(List.of(ReasonCode.MAX_CALLS_EXHAUSTED))) {
                unexpected.add(d.explain());
              }
            }
          }, "caller-" + caller));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(unexpected).isEmpty();
        assertThat(allowed.get()).as("trial %d", trial).isEqualTo(budget);
        assertThat(remit.remainingCalls("root")).isZero();
        assertThat(40 - remit.remainingCalls("a")).isLessThanOrEqualTo(40);
        long viaC = 25 - remit.remainingCalls("c");
        assertThat(viaC).isLessThanOrEqualTo(25);
        long viaA = 40 - remit.remainingCalls("a");
        long viaB = budget - remit.remainingCalls("b");
        assertThat(viaA + viaB + viaC).as("each allowed call charged exactly one branch").isEqualTo(budget);

        // refunds give back exactly what they release, once each
        List<Decision> some = allows.stream().limit(5).toList();
        for (Decision d : some) {
          remit.report(transfer(d.subject(), 1), d, CallReport.failed(Duration.ZERO, "tool crashed", true));
          remit.report(transfer(d.subject(), 1), d, CallReport.failed(Duration.ZERO, "reported twice", true));
        }
        assertThat(remit.remainingCalls("root")).isEqualTo(5);
        int again = 0;
        for (int i = 0; i < 10; i++) {
          if (remit.authorize(transfer("helper", 1)).allowed()) {
            again++;
          }
        }
        assertThat(again).isEqualTo(5);
      }
    }
  }
}
