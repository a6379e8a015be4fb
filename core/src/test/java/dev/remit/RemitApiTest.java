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

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decision point's API: batches, policy swaps, decision metadata, misuse. */
class RemitApiTest {
  private MutableClock clock;
  private Remit remit;

  @BeforeEach
  void setUp() {
    clock = clock();
    remit = remit(base().build(), clock);
    Fixtures.issue(remit, rootGrant("g", "worker").allow("crm", ALL_OPS, "**"));
  }

  private Request ok() {
    return call("worker", "crm", "read", "c/1").build();
  }

  private Request denied() {
    return call("worker", "payments", "read", "acct/1").build();
  }

  @Test
  void aBatchEvaluatesEveryItemByDefault() {
    List<Decision> ds = remit.authorizeAll(List.of(ok(), denied(), ok()), BatchSemantic.EXECUTE_ALL);
    assertThat(ds).extracting(Decision::outcome).containsExactly(Outcome.ALLOW, Outcome.DENY, Outcome.ALLOW);
  }

  @Test
  void aBatchCanStopAtTheFirstDenyOrTheFirstPermit() {
    assertThat(remit.authorizeAll(List.of(ok(), denied(), ok()), BatchSemantic.DENY_ON_FIRST_DENY))
        .extracting(Decision::outcome).containsExactly(Outcome.ALLOW, Outcome.DENY);
    assertThat(remit.authorizeAll(List.of(denied(), ok(), denied()), BatchSemantic.PERMIT_ON_FIRST_PERMIT))
        .extracting(Decision::outcome).containsExactly(Outcome.DENY, Outcome.ALLOW);
    assertThat(remit.authorizeAll(List.of(), BatchSemantic.EXECUTE_ALL)).isEmpty();
    assertThat(BatchSemantic.fromWireName("deny_on_first_deny")).isEqualTo(BatchSemantic.DENY_ON_FIRST_DENY);
    assertThat(BatchSemantic.fromWireName("nope")).isNull();
  }

  @Test
  void aBatchWithANullItemDeniesThatItemOnly() {
    List<Request> items = new java.util.ArrayList<>();
    items.add(ok());
    items.add(null);
    assertThat(remit.authorizeAll(items, BatchSemantic.EXECUTE_ALL)).extracting(Decision::codes)
        .containsExactly(List.of(ReasonCode.GRANT_MATCHED), List.of(ReasonCode.MALFORMED_REQUEST));
  }

  @Test
  void decisionIdsAreUniqueAndCarryPolicyVersionAndTime() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(ids.add(remit.authorize(i % 2 == 0 ? ok() : denied()).id())).isTrue();
    }
    Decision d = remit.authorize(ok());
    assertThat(d.policyVersion()).isEqualTo("test-1");
    assertThat(d.evaluatedAt()).isEqualTo(T0);
    assertThat(remit.authorize(null).policyVersion()).isEqualTo("test-1");
  }

  @Test
  void everyChangeBumpsTheRevision() {
    long r0 = remit.revision();
    Fixtures.issue(remit, rootGrant("g2", "helper").allow("crm", ALL_OPS, "**"));
    long r1 = remit.revision();
    remit.suspendAgent("helper");
    long r2 = remit.revision();
    remit.restrictEntitlements("alice", List.of(Scope.all("**", "**")));
    long r3 = remit.revision();
    remit.revokeGrant("g2");
    long r4 = remit.revision();
    assertThat(List.of(r0, r1, r2, r3, r4)).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    remit.swapPolicy(base().version("swapped").build());
    assertThat(remit.revision()).as("a swap is told apart by the policy version, not the state revision").isEqualTo(r4);
    Decision d = remit.authorize(ok());
    assertThat(d.revision()).isEqualTo(r4);
    assertThat(d.policyVersion()).isEqualTo("swapped");
  }

  @Test
  void aDecisionReportsTheRevisionItStartedFrom() {
    // regression: the revision was read when the decision was built, so a decision evaluated on
    // the state before a revocation claimed the revision after it (and a revision-keyed cache
    // would have kept its ALLOW). The argument's toString runs mid-evaluation.
    Remit r = remit(base().rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build())
        .build(), clock);
    Fixtures.issue(r, rootGrant("pay", "worker").allow("payments", ALL_OPS, "acct/**"));
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    Object revokeMidway = new Object() {
      @Override
      public String toString() {
        if (armed.getAndSet(false)) {
          r.revokeGrant("pay");
        }
        return "memo";
      }
    };
    Request req = Request.of("worker", "payments", "transfer").resource("acct/1").arg("memo", revokeMidway).build();
    Approval a = r.approve(req, "alice", "finance", Duration.ofMinutes(1));
    long before = r.revision();
    armed.set(true);
    Decision d = r.authorize(req.withContext("approval", a.id()));
    assertThat(r.revision()).isGreaterThan(before);
    assertThat(d.revision()).as(d.explain()).isEqualTo(before);
    assertThat(r.authorize(req.withContext("approval", a.id())).codes()).containsExactly(ReasonCode.GRANT_REVOKED);
  }

  @Test
  void aSwapThatConflictsWithRuntimeGrantsIsRejectedAndTheOldPolicyStays() {
    Policy conflicting = base().version("test-2")
        .grant(rootGrant("g", "helper").allow("crm", ALL_OPS, "**").build()).build();
    assertThatThrownBy(() -> remit.swapPolicy(conflicting)).isInstanceOf(PolicyException.class)
        .hasMessage("invalid policy: <builder>: grants[0].id: grant id 'g' is already used by a grant issued at runtime");
    assertThat(remit.policy().version()).isEqualTo("test-1");
    assertThat(remit.authorize(ok()).allowed()).isTrue();
    assertThat(remit.authorize(call("helper", "crm", "read", "c/1").build()).allowed()).isFalse();
  }

  @Test
  void anInvalidPolicyIsRejectedWholeWithEveryProblemAndSuggestions() {
    assertThatThrownBy(() -> base()
        .grant(rootGrant("x", "wroker").allow("crm", ALL_OPS, "**").build())
        .grant(Grant.builder("y").principal("alcie").holder("worker").expiresAt(T0).allow("crm", ALL_OPS, "**").build())
        .agent(Agent.component("comp", "nobot", "reasoner"))
        .build())
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Problem::toString).containsExactly(
            "<builder>: agents[6].part_of: agent 'nobot' is not defined",
            "<builder>: grants[0].holder: agent 'wroker' is not defined (did you mean 'worker'?)",
            "<builder>: grants[1].principal: principal 'alcie' is not defined (did you mean 'alice'?)"));
    assertThat(remit.policy().version()).as("nothing was swapped").isEqualTo("test-1");
  }

  @Test
  void enforceReturnsTheAllowAndThrowsOtherwise() {
    assertThat(remit.enforce(ok()).allowed()).isTrue();
    assertThatThrownBy(() -> remit.enforce(denied())).isInstanceOf(NotAuthorizedException.class)
        .hasMessage("DENY [NO_MATCHING_GRANT]: this call is outside the agent's current remit")
        .satisfies(e -> assertThat(((NotAuthorizedException) e).decision().reasons().get(0).message())
            .isEqualTo("no grant held by 'worker' covers payments.read on 'acct/1' (outside its remit)"));
  }

  @Test
  void misuseIsRefusedLoudly() {
    assertThatThrownBy(() -> Remit.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("a policy is required: Remit.builder().policy(...)");
    assertThatThrownBy(() -> Remit.builder().decisionCacheSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fixtures.issue(remit, (Grant) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> remit.revokeGrant(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Grant.builder("g").holder("worker").expiresAt(T0).allow("crm", ALL_OPS, "**").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("grant g needs a principal or a parent grant");
    assertThatThrownBy(() -> Grant.builder("g").principal("alice").holder("worker").notBefore(T0).expiresAt(T0)
        .allow("crm", ALL_OPS, "**").build())
        .hasMessage("grant g: notBefore 2026-03-02T10:00:00Z is not before expiresAt 2026-03-02T10:00:00Z");
    assertThatThrownBy(() -> Grant.builder("g").maxCalls(0)).hasMessage("maxCalls must be positive, was 0");
    assertThat(remit.grant("nope")).isNull();
    assertThat(remit.clock()).isSameAs(clock);
  }

  @Test
  void aRequestCopiesItsMapsAndKeepsNullArguments() {
    java.util.Map<String, Object> args = new java.util.HashMap<>();
    args.put("a", null);
    Request r = new Request("worker", "crm", "read", "c/1", null, args, null, null);
    args.put("b", 1);
    assertThat(r.args()).containsOnlyKeys("a");
    assertThatThrownBy(() -> r.args().put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(transfer("worker", 1).withContext("task", "t1").task()).isEqualTo("t1");
  }
}
