package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Require-approval rules and approvals bound to one exact call. */
class ApprovalTest {
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
  private static final Rule MONEY = Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT)
      .description("money leaves the company").build();

  private MutableClock clock;
  private Remit remit;

  private static Policy.Builder policy(Rule... rules) {
    Policy.Builder b = base().principal(new Principal("carol", Principal.Kind.HUMAN, List.of(),
        Set.of("finance", "cfo")));
    for (Rule r : rules) {
      b.rule(r);
    }
    return b;
  }

  @BeforeEach
  void setUp() {
    clock = clock();
    remit = remit(policy(MONEY).build(), clock);
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").allow("mail", ALL_OPS, "**"));
    Fixtures.issue(remit, rootGrant("h", "helper").allow("payments", ALL_OPS, "acct/**"));
  }

  private Approval approve(Request r) {
    return remit.approve(r, "alice", "finance", FIVE_MINUTES);
  }

  private static void assertInvalid(Decision d, String why) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(d.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID);
    assertThat(d.reasons().get(1).message()).isEqualTo(why);
    assertThat(d.approval()).isNull();
  }

  @Test
  void aGuardedCallRequiresApprovalWithAnObligationNamingTheRole() {
    Decision d = remit.authorize(transfer("worker", 10));
    assertThat(d.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(d.allowed()).isFalse();
    assertThat(d.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
    assertThat(d.reasons().get(0).message())
        .isEqualTo("rule 'money' requires approval by role 'finance': money leaves the company");
    assertThat(d.obligations()).containsExactly(new Obligation.ApprovalNeeded("money", "finance", "money leaves the company"));
    assertThat(d.grant()).isEqualTo("g");
    assertThat(d.chain().principal()).isEqualTo("alice");
    assertThatThrownBy(() -> remit.enforce(transfer("worker", 10))).isInstanceOf(ApprovalRequiredException.class);
  }

  @Test
  void anApprovedCallIsAllowedOnceWithApprovalAccepted() {
    Approval a = approve(transfer("worker", 10));
    assertThat(a.subject()).isEqualTo("worker");
    assertThat(a.tool()).isEqualTo("payments");
    assertThat(a.operation()).isEqualTo("transfer");
    assertThat(a.resource()).isEqualTo("acct/1");
    assertThat(a.bound()).isEqualTo(Map.of("args", "{\"amount\":10}"));
    assertThat(a.issuedAt()).isEqualTo(T0);
    assertThat(a.expiresAt()).isEqualTo(T0.plus(FIVE_MINUTES));
    assertThat(a.uses()).isEqualTo(1);

    Decision d = remit.authorize(transfer("worker", 10).withContext("approval", a.id()));
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.ALLOW);
    assertThat(d.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
    assertThat(d.reasons().get(1).message()).isEqualTo("approval '" + a.id() + "' by alice (finance) accepted");
    assertThat(d.approval()).isEqualTo(a.id());
  }

  @Test
  void aSingleUseApprovalCannotBeUsedTwice() {
    Approval a = approve(transfer("worker", 10));
    assertThat(remit.authorize(transfer("worker", 10).withContext("approval", a.id())).allowed()).isTrue();
    assertInvalid(remit.authorize(transfer("worker", 10).withContext("approval", a.id())),
        "approval '" + a.id() + "' has been used up");
  }

  @Test
  void anApprovalCannotBeReplayedForADifferentAmount() {
    Approval a = approve(transfer("worker", 10));
    assertInvalid(remit.authorize(transfer("worker", 11).withContext("approval", a.id())),
        "approval '" + a.id() + "' is bound to args = {\"amount\":10} but this call has {\"amount\":11}");
    Request extraArg = Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", 10)
        .arg("to", "mallory").approval(a.id()).build();
    assertInvalid(remit.authorize(extraArg), "approval '" + a.id()
        + "' is bound to args = {\"amount\":10} but this call has {\"amount\":10,\"to\":\"mallory\"}");
    // the failed replays did not use it up
    assertThat(remit.authorize(transfer("worker", 10).withContext("approval", a.id())).allowed()).isTrue();
  }

  @Test
  void theSameAmountWrittenDifferentlyIsTheSameCall() {
    Approval a = approve(transfer("worker", 10));
    Decision d = remit.authorize(transfer("worker", new BigDecimal("10.00")).withContext("approval", a.id()));
    assertThat(d.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
    Approval b = approve(transfer("worker", 10L));
    assertThat(remit.authorize(transfer("worker", 10.0).withContext("approval", b.id())).allowed()).isTrue();
  }

  @Test
  void anApprovalCannotBeReplayedOnADifferentResource() {
    Approval a = approve(transfer("worker", 10));
    Request other = Request.of("worker", "payments", "transfer").resource("acct/2").arg("amount", 10)
        .approval(a.id()).build();
    assertInvalid(remit.authorize(other), "approval '" + a.id()
        + "' was given for worker calling payments.transfer on 'acct/1', not for this call");
  }

  @Test
  void anApprovalCannotBeReplayedByAnotherSubject() {
    Approval a = approve(transfer("worker", 10));
    assertInvalid(remit.authorize(transfer("helper", 10).withContext("approval", a.id())), "approval '" + a.id()
        + "' was given for worker calling payments.transfer on 'acct/1', not for this call");
  }

  @Test
  void anApprovalCannotBeReplayedOnAnotherToolOrOperation() {
    Remit r = remit(policy(Rule.requireApproval("all", "finance").build()).build(), clock);
    Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").allow("mail", ALL_OPS, "**"));
    Approval a = r.approve(transfer("worker", 10), "alice", "finance", FIVE_MINUTES);
    Decision otherOp = r.authorize(Request.of("worker", "payments", "read").resource("acct/1").arg("amount", 10)
        .approval(a.id()).build());
    assertInvalid(otherOp, "approval '" + a.id()
        + "' was given for worker calling payments.transfer on 'acct/1', not for this call");
    Decision otherTool = r.authorize(Request.of("worker", "mail", "send").resource("acct/1").arg("amount", 10)
        .approval(a.id()).build());
    assertInvalid(otherTool, "approval '" + a.id()
        + "' was given for worker calling payments.transfer on 'acct/1', not for this call");
  }

  @Test
  void anApprovalExpiresAtItsExpiryInstant() {
    Approval a = approve(transfer("worker", 10));
    clock.set(a.expiresAt().minusMillis(1));
    Approval b = approve(transfer("worker", 20)); // expires later
    assertThat(remit.authorize(transfer("worker", 10).withContext("approval", a.id())).allowed()).isTrue();
    clock.set(b.expiresAt());
    assertInvalid(remit.authorize(transfer("worker", 20).withContext("approval", b.id())),
        "approval '" + b.id() + "' expired at " + b.expiresAt());
  }

  @Test
  void anApprovalSeenExpiredStaysExpiredWhenTheClockStepsBack() {
    Approval a = approve(transfer("worker", 10));
    clock.set(a.expiresAt().minusMillis(1));
    Approval b = approve(transfer("worker", 20)); // keeps the approvals from being swept as a group
    clock.set(a.expiresAt());
    assertInvalid(remit.authorize(transfer("worker", 10).withContext("approval", a.id())),
        "approval '" + a.id() + "' expired at " + a.expiresAt());
    clock.set(a.expiresAt().minusSeconds(30)); // an NTP step back
    Decision again = remit.authorize(transfer("worker", 10).withContext("approval", a.id()));
    assertThat(again.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(again.codes()).contains(ReasonCode.APPROVAL_INVALID);
    assertThat(remit.authorize(transfer("worker", 20).withContext("approval", b.id())).allowed())
        .as("an approval never seen expired is still good").isTrue();
  }

  @Test
  void anUnknownApprovalIdIsInvalid() {
    assertInvalid(remit.authorize(transfer("worker", 10).withContext("approval", "apr-forged")),
        "approval 'apr-forged' is not known");
  }

  @Test
  void anApprovalUnderAnotherRoleIsInvalidOnceTheRuleAsksForADifferentOne() {
    Approval a = approve(transfer("worker", 10));
    remit.swapPolicy(policy(Rule.requireApproval("money", "cfo").risk(RiskClass.MONEY_MOVEMENT).build()).build());
    assertInvalid(remit.authorize(transfer("worker", 10).withContext("approval", a.id())),
        "rule 'money' needs an approver with role 'cfo' but approval '" + a.id() + "' was given as 'finance'");
  }

  @Test
  void onlyAHumanHoldingTheRuleRoleMayApprove() {
    Request r = transfer("worker", 10);
    assertThatThrownBy(() -> remit.approve(r, "billing-svc", "finance", FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("approver 'billing-svc' is not a human principal");
    assertThatThrownBy(() -> remit.approve(r, "bob", "finance", FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("approver 'bob' does not hold role 'finance'");
    assertThatThrownBy(() -> remit.approve(r, "carol", "cfo", FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rule 'money' needs role 'finance', not 'cfo'");
    assertThatThrownBy(() -> remit.approve(r, "zed", "finance", FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("approver 'zed' is not a known principal");
    assertThatThrownBy(() -> remit.approve(r, "alice", "finance", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("approval ttl must be positive, was PT0S");
    assertThat(remit.approve(r, "carol", "finance", FIVE_MINUTES).approver()).isEqualTo("carol");
  }

  @Test
  void thereIsNothingToApproveWhenNoRuleApplies() {
    assertThatThrownBy(() -> approve(call("worker", "payments", "read", "acct/1").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no require-approval rule applies to this call; nothing to approve");
    assertThatThrownBy(() -> approve(call("worker", "payments", "read", "acct/../1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot approve a malformed request: resource id contains a '..' segment");
  }

  @Test
  void anApprovalDoesNotOverrideADeny() {
    Approval a = approve(transfer("worker", 10));
    remit.revokeGrant("g");
    Decision d = remit.authorize(transfer("worker", 10).withContext("approval", a.id()));
    assertThat(d.codes()).containsExactly(ReasonCode.GRANT_REVOKED);
  }

  @Test
  void aRuleBindingOneArgumentIgnoresTheOthers() {
    Remit r = remit(policy(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT)
        .bind("args.amount").build()).build(), clock);
    Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    Approval a = r.approve(transfer("worker", 10), "alice", "finance", FIVE_MINUTES);
    assertThat(a.bound()).isEqualTo(Map.of("args.amount", "10"));
    Request withMemo = Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", 10)
        .arg("memo", "lunch").approval(a.id()).build();
    assertThat(r.authorize(withMemo).allowed()).isTrue();
  }

  @Test
  void anApprovalCanBeBoundToCatalogAndAgentAttributes() {
    Rule external = Rule.requireApproval("outbound", "finance").tool("mail").bind("tool.destination")
        .bind("agent.environment").bind("args.to").build();
    Remit r = remit(policy(external).build(), clock);
    Fixtures.issue(r, rootGrant("g", "worker").allow("mail", ALL_OPS, "**"));
    Request send = Request.of("worker", "mail", "send").resource("outbox").arg("to", "x@example.com").build();
    Approval a = r.approve(send, "alice", "finance", FIVE_MINUTES);
    assertThat(a.bound()).isEqualTo(Map.of("tool.destination", "\"external\"",
        "agent.environment", "\"staging\"", "args.to", "\"x@example.com\""));
    Decision d = r.authorize(send.withContext("approval", a.id()));
    assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
  }

  @Test
  void aThresholdRuleAppliesOnlyAboveItsThreshold() {
    Remit r = remit(policy(Rule.requireApproval("big", "finance").tool("payments").operation("transfer")
        .when("args.amount > 1000").build()).build(), clock);
    Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    assertThat(r.authorize(transfer("worker", 1000)).codes()).containsExactly(ReasonCode.GRANT_MATCHED);
    assertThat(r.authorize(transfer("worker", 1000.01)).codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
  }

  @Test
  void twoRulesAskingForTheSameRoleNeedOneApprovalAndBothObligationsAreListed() {
    Remit r = remit(policy(MONEY, Rule.requireApproval("acct-1", "finance").resource("acct/1").build()).build(), clock);
    Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    Decision d = r.authorize(transfer("worker", 10));
    assertThat(d.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_REQUIRED);
    assertThat(d.obligations(Obligation.APPROVAL)).extracting(o -> o.attributes().get("rule"))
        .containsExactly("money", "acct-1");
    Approval a = r.approve(transfer("worker", 10), "alice", "finance", FIVE_MINUTES);
    assertThat(r.authorize(transfer("worker", 10).withContext("approval", a.id())).allowed()).isTrue();
  }

  @Test
  void anApprovalThatIsPrunedMidDecisionIsStillRecordedAndUsed() {
    // regression: the engine looked the approval up twice; if another decision pruned it (expired
    // for that later caller) in between, this call was allowed with no APPROVAL_ACCEPTED and
    // without using the approval. The argument's toString runs between the two lookups.
    java.util.concurrent.atomic.AtomicReference<String> approvalId = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    Object interleave = new Object() {
      @Override
      public String toString() {
        if (armed.getAndSet(false)) {
          Instant at = clock.instant();
          clock.advance(Duration.ofMinutes(10)); // a later decision sees it expired and prunes it
          Decision later = remit.authorize(transfer("worker", 10).withContext("approval", approvalId.get()));
          assertThat(later.codes()).contains(ReasonCode.APPROVAL_INVALID);
          clock.set(at);
        }
        return "memo";
      }
    };
    Request r = Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", 10)
        .arg("memo", interleave).build();
    Approval a = approve(r);
    approvalId.set(a.id());
    armed.set(true);
    Decision d = remit.authorize(r.withContext("approval", a.id()));
    assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
    assertThat(d.approval()).isEqualTo(a.id());
  }

  @Test
  void theLoserOfARaceForASingleUseApprovalIsToldWhoMustApprove() {
    // regression: a call whose approval was used up by a concurrent call between its check and its
    // use got REQUIRE_APPROVAL with only APPROVAL_INVALID: no APPROVAL_REQUIRED and no approval
    // obligation naming the role. The argument's toString lets the other call win in between.
    java.util.concurrent.atomic.AtomicReference<Request> winner = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    Object interleave = new Object() {
      @Override
      public String toString() {
        if (armed.getAndSet(false)) {
          assertThat(remit.authorize(winner.get()).codes())
              .containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
        }
        return "memo";
      }
    };
    Request r = Request.of("worker", "payments", "transfer").resource("acct/1").arg("amount", 10)
        .arg("memo", interleave).build();
    Approval a = approve(r);
    winner.set(r.withContext("approval", a.id()));
    armed.set(true);
    Decision d = remit.authorize(r.withContext("approval", a.id()));
    assertInvalid(d, "approval '" + a.id() + "' has been used up");
    assertThat(d.obligations()).containsExactly(new Obligation.ApprovalNeeded("money", "finance", "money leaves the company"));
    assertThat(d.grant()).isEqualTo("g");
  }
}
