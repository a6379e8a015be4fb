package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Changes are visible to every decision that starts after the change method returns, under load;
 * budgets are never overspent by concurrent callers. No sleeps: a volatile flag set right after the
 * change returns tells readers which of their calls started afterwards.
 */
@Timeout(60)
class ConcurrencyTest {
  // trials alternate between a decision point with the decision cache (the default) and without
  private static final int READERS = 3;
  private static final int TRIALS = 8;
  private static final int CALLS_BEFORE = 300;
  private static final int CALLS_AFTER = 1_500;

  /** A world with alice -> orch (root) -> worker (sub), all unlimited; with or without the cache. */
  private static Remit chain(boolean cached) {
    Remit remit = remit(base().build(), clock(), cached);
    Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
    return remit;
  }

  /**
   * Runs readers that authorize {@code request} in a loop while {@code change} runs once; asserts that
   * no call that started after the change returned was allowed, and that each was denied with
   * {@code expected}.
   */
  private static void noAllowStartsAfter(Consumer<Remit> change, ReasonCode expected) throws InterruptedException {
    for (int trial = 0; trial < TRIALS; trial++) {
      Remit remit = chain(trial % 2 == 0);
      Request request = transfer("worker", 1);
      AtomicBoolean changed = new AtomicBoolean();
      CountDownLatch warmedUp = new CountDownLatch(READERS);
      AtomicInteger allowedBefore = new AtomicInteger();
      AtomicInteger checkedAfter = new AtomicInteger();
      Queue<String> violations = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < READERS; t++) {
        threads.add(new Thread(() -> {
          int calls = 0;
          int after = 0;
          while (after < CALLS_AFTER && calls < 2_000_000) {
            boolean startedAfterChange = changed.get();
            Decision d = remit.authorize(request);
            if (startedAfterChange) {
              after++;
              if (d.allowed() || !d.codes().equals(List.of(expected))) {
                violations.add(d.explain());
              }
            } else if (d.allowed()) {
              allowedBefore.incrementAndGet();
            }
            if (++calls == CALLS_BEFORE) {
              warmedUp.countDown();
            }
          }
          checkedAfter.addAndGet(after);
        }, "reader-" + t));
      }
      Thread changer = new Thread(() -> {
        try {
          warmedUp.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        change.accept(remit);
        changed.set(true);
      }, "changer");
      threads.forEach(Thread::start);
      changer.start();
      changer.join();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(violations).as("trial %d: calls that started after the change", trial).isEmpty();
      assertThat(allowedBefore.get()).as("calls were allowed before the change").isGreaterThanOrEqualTo(READERS * CALLS_BEFORE - READERS);
      assertThat(checkedAfter.get()).isEqualTo(READERS * CALLS_AFTER);
    }
  }

  @Test
  void afterRevokeGrantReturnsNoCallOfASubAgentIsAllowed() throws InterruptedException {
    noAllowStartsAfter(r -> assertThat(r.revokeGrant("root")).containsExactly("root", "sub"),
        ReasonCode.GRANT_REVOKED);
  }

  @Test
  void afterSuspendAgentReturnsNoCallOfTheAgentIsAllowed() throws InterruptedException {
    noAllowStartsAfter(r -> r.suspendAgent("worker"), ReasonCode.AGENT_SUSPENDED);
  }

  @Test
  void afterSuspendingTheDelegatorNoCallBelowItIsAllowed() throws InterruptedException {
    noAllowStartsAfter(r -> r.suspendAgent("orch"), ReasonCode.DELEGATOR_INACTIVE);
  }

  @Test
  void afterSetEntitlementsReturnsNoCallBeyondThemIsAllowed() throws InterruptedException {
    noAllowStartsAfter(r -> r.restrictEntitlements("alice", List.of(Scope.all("crm", "**"))),
        ReasonCode.PRINCIPAL_NOT_ENTITLED);
  }

  @Test
  void afterASwapThatDropsTheRootNoCallIsAllowed() throws InterruptedException {
    for (int trial = 0; trial < 3; trial++) {
      Remit remit = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
      AtomicBoolean changed = new AtomicBoolean();
      Queue<String> violations = new ConcurrentLinkedQueue<>();
      Thread reader = new Thread(() -> {
        for (int i = 0, after = 0; after < CALLS_AFTER && i < 2_000_000; i++) {
          boolean startedAfter = changed.get();
          Decision d = remit.authorize(transfer("worker", 1));
          if (startedAfter) {
            after++;
            if (d.allowed()) {
              violations.add(d.explain());
            }
          }
        }
      });
      reader.start();
      remit.swapPolicy(base().build());
      changed.set(true);
      reader.join();
      assertThat(violations).isEmpty();
    }
  }

  /** Runs {@code threads} callers, each making {@code attempts} calls; returns the number allowed. */
  private static int hammer(Remit remit, List<Request> requestsByThread, int attempts) throws InterruptedException {
    AtomicInteger allowed = new AtomicInteger();
    Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Request r : requestsByThread) {
      threads.add(new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < attempts; i++) {
          Decision d = remit.authorize(r);
          if (d.allowed()) {
            allowed.incrementAndGet();
          } else if (!d.codes().equals(List.of(ReasonCode.MAX_CALLS_EXHAUSTED))) {
            unexpected.add(d.explain());
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(unexpected).isEmpty();
    return allowed.get();
  }

  @Test
  void concurrentCallersNeverOverspendABudget() throws InterruptedException {
    int budget = 400;
    for (int trial = 0; trial < 6; trial++) {
      Remit remit = remit(base().build(), clock(), trial % 2 == 0);
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
      Request r = transfer("worker", 1);
      int allowed = hammer(remit, List.of(r, r, r, r), budget);
      assertThat(allowed).isEqualTo(budget);
      assertThat(remit.remainingCalls("g")).isZero();
    }
  }

  @Test
  void siblingSubAgentsTogetherNeverOverspendTheParentBudget() throws InterruptedException {
    int budget = 300;
    for (int trial = 0; trial < 6; trial++) {
      Remit remit = remit(base().build(), clock(), trial % 2 == 0);
      Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
      Fixtures.issue(remit, subGrant("a", "root", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(budget));
      Fixtures.issue(remit, subGrant("b", "root", "helper").allow("payments", ALL_OPS, "acct/**").maxCalls(budget / 2));
      Request w = transfer("worker", 1);
      Request h = transfer("helper", 1);
      int allowed = hammer(remit, List.of(w, h, w, h), budget);
      assertThat(allowed).isEqualTo(budget);
      assertThat(remit.remainingCalls("root")).isZero();
      long usedA = budget - remit.remainingCalls("a");
      long usedB = budget / 2 - remit.remainingCalls("b");
      assertThat(usedA + usedB).as("every allowed call charged exactly one sub-grant").isEqualTo(budget);
      assertThat(usedB).isLessThanOrEqualTo(budget / 2);
    }
  }

  @Test
  void aSingleUseApprovalPresentedByManyThreadsAllowsExactlyOneCall() throws InterruptedException {
    for (int trial = 0; trial < 20; trial++) {
      Remit remit = remit(base().rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build())
          .build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(1000));
      Approval a = remit.approve(transfer("worker", 10), "alice", "finance", java.time.Duration.ofMinutes(1));
      Request r = transfer("worker", 10).withContext("approval", a.id());
      AtomicInteger allowed = new AtomicInteger();
      Queue<String> unexpected = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        threads.add(new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int i = 0; i < 25; i++) {
            Decision d = remit.authorize(r);
            if (d.allowed()) {
              allowed.incrementAndGet();
            } else if (!d.codes().equals(List.of(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID))
                || d.obligations(Obligation.APPROVAL).size() != 1) {
              unexpected.add(d.explain());
            }
          }
        }));
      }
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(unexpected).isEmpty();
      assertThat(allowed.get()).isEqualTo(1);
      assertThat(remit.remainingCalls("g")).as("losers were refunded").isEqualTo(999);
    }
  }
}
