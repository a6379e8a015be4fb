package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.IN_ONE_HOUR;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every reason code has a scenario that produces it. Adding a code without adding a scenario here
 * fails {@link #everyReasonCodeHasAScenario}. The focused tests elsewhere check the edges; this class
 * guarantees the table is complete.
 */
class ReasonCodeCoverageTest {

  static final Map<ReasonCode, Supplier<Decision>> SCENARIOS = new EnumMap<>(ReasonCode.class);

  static {
    SCENARIOS.put(ReasonCode.GRANT_MATCHED, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      return remit.authorize(transfer("worker", 10));
    });
    SCENARIOS.put(ReasonCode.APPROVAL_REQUIRED, () -> {
      Remit remit = withApprovalRule();
      return remit.authorize(transfer("worker", 10));
    });
    SCENARIOS.put(ReasonCode.APPROVAL_ACCEPTED, () -> {
      Remit remit = withApprovalRule();
      Approval a = remit.approve(transfer("worker", 10), "alice", "finance", Duration.ofMinutes(5));
      return remit.authorize(transfer("worker", 10).withContext("approval", a.id()));
    });
    SCENARIOS.put(ReasonCode.APPROVAL_INVALID, () -> {
      Remit remit = withApprovalRule();
      return remit.authorize(transfer("worker", 10).withContext("approval", "apr-unknown"));
    });
    SCENARIOS.put(ReasonCode.MALFORMED_REQUEST, () ->
        remit(base().build(), clock()).authorize(Request.of("worker", "payments", "transfer").build()));
    SCENARIOS.put(ReasonCode.INVALID_NAME, () ->
        remit(base().build(), clock()).authorize(call("worker", "payments", "read", "acct/../x").build()));
    SCENARIOS.put(ReasonCode.UNKNOWN_AGENT, () ->
        remit(base().build(), clock()).authorize(transfer("nobody", 1)));
    SCENARIOS.put(ReasonCode.AGENT_SUSPENDED, () -> {
      Remit remit = remit(base().build(), clock());
      remit.suspendAgent("worker");
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.AGENT_REVOKED, () -> {
      Remit remit = remit(base().build(), clock());
      remit.revokeAgent("worker");
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.UNKNOWN_TOOL, () ->
        remit(base().build(), clock()).authorize(call("worker", "paymnts", "read", "acct/1").build()));
    SCENARIOS.put(ReasonCode.UNKNOWN_OPERATION, () ->
        remit(base().build(), clock()).authorize(call("worker", "payments", "delete", "acct/1").build()));
    SCENARIOS.put(ReasonCode.FORBIDDEN_BY_RULE, () -> {
      Remit remit = remit(base().rule(Rule.forbid("no-prod").resource("prod/**").build()).build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("db", ALL_OPS, "**"));
      return remit.authorize(call("worker", "db", "query", "prod/users").build());
    });
    SCENARIOS.put(ReasonCode.NO_MATCHING_GRANT, () ->
        remit(base().build(), clock()).authorize(transfer("worker", 1)));
    SCENARIOS.put(ReasonCode.CONSTRAINT_VIOLATED, () -> limited().authorize(transfer("worker", 900)));
    SCENARIOS.put(ReasonCode.MISSING_ATTRIBUTE, () ->
        limited().authorize(call("worker", "payments", "transfer", "acct/1").build()));
    SCENARIOS.put(ReasonCode.ATTRIBUTE_TYPE_MISMATCH, () -> limited().authorize(transfer("worker", "500")));
    SCENARIOS.put(ReasonCode.GRANT_NOT_YET_VALID, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
          .notBefore(T0.plusSeconds(60)));
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.GRANT_EXPIRED, () -> {
      MutableClock clock = clock();
      Remit remit = remit(base().build(), clock);
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      clock.set(IN_ONE_HOUR);
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.GRANT_REVOKED, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      remit.revokeGrant("g");
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.OUTSIDE_TIME_WINDOW, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
          .window(new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC, Set.of())));
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.MAX_CALLS_EXHAUSTED, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(1));
      remit.authorize(transfer("worker", 1));
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.DELEGATION_EXCEEDS_PARENT, () -> {
      Remit remit = remit(withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      remit.swapPolicy(withDocRoot("acct/2"));
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.CHAIN_BROKEN, () -> {
      Remit remit = remit(withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      remit.swapPolicy(base().build());
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.CHAIN_TOO_DEEP, () -> {
      Remit remit = remit(withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(remit, subGrant("subsub", "sub", "helper").allow("payments", ALL_OPS, "acct/1"));
      remit.swapPolicy(withDocRootDepth("acct/**", 2));
      return remit.authorize(transfer("helper", 1));
    });
    SCENARIOS.put(ReasonCode.DELEGATOR_INACTIVE, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "orch").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(remit, subGrant("sub", "g", "worker").allow("payments", ALL_OPS, "acct/1"));
      remit.suspendAgent("orch");
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.UNKNOWN_PRINCIPAL, () -> {
      Remit remit = remit(base().principal(Principal.human("carol", List.of(Scope.all("**", "**")))).build(),
          clock());
      Fixtures.issue(remit, Grant.builder("g").principal("carol").holder("worker").expiresAt(IN_ONE_HOUR)
          .allow("payments", ALL_OPS, "acct/**"));
      remit.swapPolicy(base().build());
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.PRINCIPAL_NOT_ENTITLED, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      remit.restrictEntitlements("alice", List.of(Scope.all("crm", "**")));
      return remit.authorize(transfer("worker", 1));
    });
    SCENARIOS.put(ReasonCode.STAGE_ALLOWED, () -> withStage(in -> dev.remit.spi.StageVerdict.allow()
        .withReason("checked by the fraud service", null)).authorize(transfer("worker", 1)));
    SCENARIOS.put(ReasonCode.STAGE_DENIED, () -> withStage(in -> dev.remit.spi.StageVerdict.deny(
        "the fraud service flags account acct/1", "this account cannot be used now")).authorize(transfer("worker", 1)));
    SCENARIOS.put(ReasonCode.STAGE_FAILED, () -> withStage(in -> {
      throw new java.io.IOException("fraud service unreachable");
    }).authorize(transfer("worker", 1)));
    SCENARIOS.put(ReasonCode.EVALUATION_ERROR, () -> {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
          .constraint("args.meta.kind == invoice"));
      return remit.authorize(call("worker", "payments", "transfer", "acct/1")
          .arg("meta", FailClosedTest.throwingMap()).build());
    });
  }

  /** A decision point whose one decision stage answers with {@code verdict}, and a grant for worker. */
  static Remit withStage(TestStages.Verdicts verdict) {
    Remit remit = Remit.builder().policy(base().build()).clock(clock())
        .stage(TestStages.inline("fraud", verdict)).build();
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    return remit;
  }

  static Remit withApprovalRule() {
    Remit remit = remit(base().rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT)
        .description("money leaves the company").build()).build(), clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    return remit;
  }

  static Remit limited() {
    Remit remit = remit(base().build(), clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));
    return remit;
  }

  /** The base policy plus a document root grant {@code root} held by orch on payments {@code resource}. */
  static Policy withDocRoot(String resource) {
    return withDocRootDepth(resource, Policy.DEFAULT_MAX_DELEGATION_DEPTH);
  }

  static Policy withDocRootDepth(String resource, int depth) {
    return base().maxDelegationDepth(depth)
        .grant(rootGrant("root", "orch").allow("payments", ALL_OPS, resource).build()).build();
  }

  @Test
  void everyReasonCodeHasAScenario() {
    assertThat(SCENARIOS.keySet()).containsExactlyInAnyOrder(ReasonCode.values());
  }

  @TestFactory
  Stream<DynamicTest> eachScenarioProducesItsCodeWithItsOutcome() {
    return SCENARIOS.entrySet().stream().map(e -> new AbstractMap.SimpleEntry<>(e.getKey(), e.getValue()))
        .map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
          Decision d = e.getValue().get();
          assertThat(d.codes()).as(d.explain()).contains(e.getKey());
          assertThat(d.outcome()).as(d.explain()).isEqualTo(e.getKey().outcome());
        }));
  }
}
