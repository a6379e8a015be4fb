package dev.remit;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** A small delegation policy shared by the decision cache tests (the clock is {@link MutableClock}). */
final class CacheFixture {
  /** Monday 2026-11-23 12:00:00 UTC. */
  static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

  private CacheFixture() {}

  static Policy.Builder base() {
    return Policy.builder()
        .version("v1")
        .principal(Principal.human("alice", List.of(Scope.all("crm", "crm/**"),
            Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"))).withRole("finance"))
        .agent(Agent.of("orch", "alice", "orchestrates", "production"))
        .agent(Agent.of("worker", "alice", "does the work", "production"))
        .agent(Agent.component("planner", "orch", "planner"))
        .tool(Tool.of("crm", "read", RiskClass.READ, "write", RiskClass.WRITE))
        .tool(Tool.of("payments", "transfer", RiskClass.MONEY_MOVEMENT))
        .tool(Tool.of("deploy", "release", RiskClass.PRODUCTION_CHANGE))
        .rule(Rule.forbid("no-secret").tool("crm").when("resource.classification == secret")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .rule(Rule.requireApproval("big-transfer", "finance").tool("payments")
            .when("args.amount > 1000").build());
  }

  /**
   * root (alice -> orch, crm), sub (orch -> worker, crm read), pay (alice -> orch, payments up to
   * 5000), subpay (orch -> worker, acct/ops up to 2000), comp (alice -> planner, crm read).
   */
  static Policy policy() {
    return base()
        .grant(Grant.builder("root").principal("alice").holder("orch")
            .allow("crm", List.of("read", "write"), "crm/**")
            .expiresAt(T0.plus(Duration.ofDays(30))).build())
        .grant(Grant.builder("sub").parent("root").holder("worker")
            .allow("crm", List.of("read"), "crm/contacts/*")
            .expiresAt(T0.plus(Duration.ofDays(7))).build())
        .grant(Grant.builder("pay").principal("alice").holder("orch")
            .allow("payments", List.of("transfer"), "acct/**")
            .constraint("args.amount <= 5000")
            .expiresAt(T0.plus(Duration.ofDays(30))).build())
        .grant(Grant.builder("subpay").parent("pay").holder("worker")
            .allow("payments", List.of("transfer"), "acct/ops/*")
            .constraint("args.amount <= 2000")
            .expiresAt(T0.plus(Duration.ofDays(7))).build())
        .grant(Grant.builder("comp").principal("alice").holder("planner")
            .allow("crm", List.of("read"), "crm/**")
            .expiresAt(T0.plus(Duration.ofDays(30))).build())
        .build();
  }

  static Request read(String subject, String resource) {
    return Request.of(subject, "crm", "read").resource(resource).build();
  }

  static Request transfer(String subject, String resource, Object amount) {
    return Request.of(subject, "payments", "transfer").resource(resource).arg("amount", amount).build();
  }

  static TimeWindow businessHours() {
    return new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC,
        Set.of(DayOfWeek.values()));
  }
}
