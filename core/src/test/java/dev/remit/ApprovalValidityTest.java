package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Approvals stay valid only while their approver may still give them; a call several roles guard
 * takes one approval per role; malformed presentations are denied, invalid ones ask again; and an
 * approval is used exactly once under races, all or nothing when several are presented together.
 */
@Timeout(60)
class ApprovalValidityTest {
  private static final Duration TTL = Duration.ofMinutes(10);

  /** A principal entitled to crm only (an approver's roles matter, not its entitlements). */
  private static Principal approver(String id, Principal.Kind kind, String... roles) {
    return new Principal(id, kind, List.of(Scope.all("crm", "**")), Set.of(roles));
  }

  /**
   * money (role finance) guards every transfer; big (role cfo) guards transfers over 1000; carol
   * and dave are human approvers in role finance.
   */
  private static Policy.Builder guarded() {
    return guarded(approver("carol", Principal.Kind.HUMAN, "finance"), approver("dave", Principal.Kind.HUMAN, "finance"));
  }

  private static Policy.Builder guarded(Principal... approvers) {
    Policy.Builder b = base();
    for (Principal p : approvers) {
      b.principal(p);
    }
    return b.rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build())
        .rule(Rule.requireApproval("big", "cfo").tool("payments").when("args.amount > 1000").build());
  }

  private static Remit remit(Policy p) {
    Remit remit = Fixtures.remit(p, Fixtures.clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(1000));
    return remit;
  }

  private static Request presenting(Request r, Object approval) {
    return r.withContext("approval", approval);
  }

  private static void assertAsksAgain(Decision d, String why) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(d.codes()).as(d.explain()).endsWith(ReasonCode.APPROVAL_INVALID);
    assertThat(d.reasons().get(d.reasons().size() - 1).message()).contains(why);
    assertThat(d.reasons().get(d.reasons().size() - 1).agentMessage()).isEqualTo(ReasonCode.APPROVAL_INVALID.agentText());
  }

  // ------------------------------------------------------------------ the approver must still be able to approve

  @Test
  void anApprovalBecomesInvalidWhenItsApproverLosesTheRole() {
    try (Remit remit = remit(guarded().build())) {
      Request r = transfer("worker", 10);
      Approval a = remit.approve(r, "carol", "finance", TTL);
      Approval kept = remit.approve(r, "alice", "finance", TTL);
      remit.swapPolicy(guarded(approver("carol", Principal.Kind.HUMAN, "support"),
          approver("dave", Principal.Kind.HUMAN, "finance")).version("v2").build());
      assertAsksAgain(remit.authorize(presenting(r, a.id())), "approval '" + a.id()
          + "' was given by 'carol' as 'finance', which the policy in force no longer allows");
      assertThat(remit.authorize(presenting(r, kept.id())).allowed()).as("alice still holds finance").isTrue();
    }
  }

  @Test
  void anApprovalBecomesInvalidWhenASwapRemovesItsApproverOrMakesItAService() {
    try (Remit remit = remit(guarded().build())) {
      Request r = transfer("worker", 10);
      Approval byCarol = remit.approve(r, "carol", "finance", TTL);
      Approval byDave = remit.approve(r, "dave", "finance", TTL);
      remit.swapPolicy(guarded(approver("dave", Principal.Kind.SERVICE, "finance")).version("v2").build());
      assertAsksAgain(remit.authorize(presenting(r, byCarol.id())), "approval '" + byCarol.id()
          + "' was given by 'carol' as 'finance', which the policy in force no longer allows");
      assertAsksAgain(remit.authorize(presenting(r, byDave.id())), "(not a human principal holding that role)");
      // neither was used up: restoring the approvers restores them
      remit.swapPolicy(guarded().version("v3").build());
      assertThat(remit.authorize(presenting(r, byCarol.id())).allowed()).isTrue();
      assertThat(remit.authorize(presenting(r, byDave.id())).allowed()).isTrue();
    }
  }

  // ------------------------------------------------------------------ one approval per role

  @Test
  void aCallTwoRolesGuardNeedsOneApprovalPerRole() {
    try (Remit remit = remit(guarded().build())) {
      Request big = transfer("worker", 5000);
      Decision needs = remit.authorize(big);
      assertThat(needs.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_REQUIRED);
      assertThat(needs.obligations(Obligation.ApprovalNeeded.class)).extracting(Obligation.ApprovalNeeded::approverRole)
          .containsExactly("finance", "cfo");

      Approval fin = remit.approve(big, "alice", "finance", TTL);
      Approval cfo = remit.approve(big, "bob", "cfo", TTL);
      assertAsksAgain(remit.authorize(presenting(big, fin.id())),
          "rule 'big' needs an approver with role 'cfo' but approval '" + fin.id() + "' was given as 'finance'");
      assertAsksAgain(remit.authorize(presenting(big, List.of(cfo.id()))),
          "rule 'money' needs an approver with role 'finance' but approval '" + cfo.id() + "' was given as 'cfo'");
      assertAsksAgain(remit.authorize(presenting(big, List.of(fin.id(), fin.id()))),
          "rule 'big' needs an approver with role 'cfo'");
      // none of those attempts used anything up
      Decision ok = remit.authorize(presenting(big, List.of(cfo.id(), fin.id())));
      assertThat(ok.outcome()).as(ok.explain()).isEqualTo(Outcome.ALLOW);
      assertThat(ok.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED,
          ReasonCode.APPROVAL_ACCEPTED);
      assertThat(ok.reasons()).extracting(Reason::message).anyMatch(m -> m.contains("by alice (finance)"))
          .anyMatch(m -> m.contains("by bob (cfo)"));
      // both are used up now, each on its own
      assertAsksAgain(remit.authorize(presenting(big, List.of(fin.id(), cfo.id()))), "has been used up");
      Approval fin2 = remit.approve(big, "carol", "finance", TTL);
      assertAsksAgain(remit.authorize(presenting(big, List.of(fin2.id(), cfo.id()))),
          "approval '" + cfo.id() + "' has been used up");
      Approval cfo2 = remit.approve(big, "bob", "cfo", TTL);
      assertThat(remit.authorize(presenting(big, List.of(fin2.id(), cfo2.id()))).allowed())
          .as("fin2 was not used by the failed attempt").isTrue();
    }
  }

  @Test
  void anApproverCannotApproveInARoleTheCallDoesNotNeedOrThatTheyDoNotHold() {
    try (Remit remit = remit(guarded().build())) {
      Request small = transfer("worker", 10);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> remit.approve(small, "bob", "cfo", TTL))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs role 'finance', not 'cfo'");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> remit.approve(transfer("worker", 5000), "bob", "finance", TTL))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not hold role 'finance'");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> remit.approve(transfer("worker", 5000), "billing-svc", "finance", TTL))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a human principal");
    }
  }

  // ------------------------------------------------------------------ shapes of context.approval

  @Test
  void malformedPresentationsAreDeniedAndInvalidOnesAskAgainWithoutUsingAnything() {
    try (Remit remit = remit(guarded().build())) {
      Request small = transfer("worker", 10);
      Approval a = remit.approve(small, "alice", "finance", TTL);
      List<String> nine = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        nine.add(i == 0 ? a.id() : "apr-" + i);
      }
      List<Object> mixed = new ArrayList<>(List.of(a.id()));
      mixed.add(42);
      for (Object malformed : List.<Object>of(List.of(), nine, mixed, List.of(List.of(a.id())), 7,
          Map.of("id", a.id()), true)) {
        Decision d = remit.authorize(presenting(small, malformed));
        assertThat(d.outcome()).as("%s", malformed).isEqualTo(Outcome.DENY);
        assertThat(d.codes()).containsExactly(ReasonCode.MALFORMED_REQUEST);
        assertThat(d.reasons().get(0).message())
            .isEqualTo("context.approval must be an approval id string, or a list of 1 to 8 of them");
      }
      assertAsksAgain(remit.authorize(presenting(small, List.of(a.id(), "apr-nope"))), "approval 'apr-nope' is not known");
      assertAsksAgain(remit.authorize(presenting(small, List.of("apr-nope", a.id()))), "approval 'apr-nope' is not known");
      List<String> eight = new ArrayList<>(nine.subList(0, 8));
      assertAsksAgain(remit.authorize(presenting(small, eight)), "approval 'apr-1' is not known");
      assertAsksAgain(remit.authorize(presenting(small, "")), "approval '' is not known");

      // a duplicate counts once: it is accepted for the one role and used once
      Decision dup = remit.authorize(presenting(small, List.of(a.id(), a.id())));
      assertThat(dup.allowed()).as(dup.explain()).isTrue();
      assertThat(dup.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
      assertAsksAgain(remit.authorize(presenting(small, a.id())), "has been used up");
      assertThat(remit.remainingCalls("g")).isEqualTo(999);
    }
  }

  // ------------------------------------------------------------------ single use under races

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void underARaceExactlyOneCallIsAllowedPerApproval(int roles) throws Exception {
    Request r = transfer("worker", roles == 1 ? 10 : 5000);
    for (int trial = 0; trial < 40; trial++) {
      try (Remit remit = remit(guarded().build())) {
        List<String> ids = new ArrayList<>();
        ids.add(remit.approve(r, "alice", "finance", TTL).id());
        if (roles == 2) {
          ids.add(remit.approve(r, "bob", "cfo", TTL).id());
        }
        Request presented = presenting(r, roles == 1 ? ids.get(0) : List.copyOf(ids));
        CyclicBarrier barrier = new CyclicBarrier(2);
        AtomicInteger allowed = new AtomicInteger();
        ConcurrentLinkedQueue<String> other = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          threads.add(new Thread(() -> {
            try {
              barrier.await();
            } catch (Exception e) {
              other.add(e.toString());
              return;
            }
            Decision d = remit.authorize(presented);
            if (d.allowed()) {
              allowed.incrementAndGet();
            } else if (d.outcome() != Outcome.REQUIRE_APPROVAL || !d.has(ReasonCode.APPROVAL_INVALID)) {
              other.add(d.explain());
            }
          }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(other).isEmpty();
        assertThat(allowed.get()).as("trial %d", trial).isEqualTo(1);
        assertThat(remit.remainingCalls("g")).as("the loser's charge was released").isEqualTo(999);
        assertThat(remit.authorize(presented).allowed()).isFalse();
      }
    }
  }

  @Test
  void theLoserOfARaceOnOneOfTwoApprovalsUsesUpNeitherOfItsOthers() throws Exception {
    Request big = transfer("worker", 5000);
    for (int trial = 0; trial < 40; trial++) {
      try (Remit remit = remit(guarded().build())) {
        String fin = remit.approve(big, "alice", "finance", TTL).id();
        String cfoA = remit.approve(big, "bob", "cfo", TTL).id();
        String cfoB = remit.approve(big, "bob", "cfo", TTL).id();
        // both present the same finance approval, each with its own cfo approval
        List<Request> requests = List.of(presenting(big, List.of(cfoA, fin)), presenting(big, List.of(cfoB, fin)));
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Decision> decisions = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Request req : requests) {
          threads.add(new Thread(() -> {
            try {
              barrier.await();
            } catch (Exception e) {
              return;
            }
            decisions.add(remit.authorize(req));
          }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(decisions).hasSize(2);
        assertThat(decisions).filteredOn(Decision::allowed).as("trial %d", trial).hasSize(1);
        // which one won is up to the race; the loser's cfo approval must still be usable
        int usable = 0;
        for (String cfo : List.of(cfoA, cfoB)) {
          String freshFin = remit.approve(big, "carol", "finance", TTL).id();
          if (remit.authorize(presenting(big, List.of(freshFin, cfo))).allowed()) {
            usable++;
          }
        }
        assertThat(usable).as("the loser's cfo approval was given back").isEqualTo(1);
      }
    }
  }
}
