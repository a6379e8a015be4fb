package dev.remit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A small policy for audit tests: alice's support bot refunds invoices through a component. */
final class AuditFixture {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private AuditFixture() {}

  static Policy policy() {
    Instant exp = NOW.plus(Duration.ofDays(30));
    return Policy.builder()
        .version("v7")
        .principal(Principal.human("alice", List.of(Scope.all("billing", "invoices/**"))).withRole("finance"))
        .agent(Agent.of("support-bot", "alice", "customer support", "production"))
        .agent(Agent.component("refunder", "support-bot", "tool-connector"))
        .tool(Tool.of("billing", "refund", RiskClass.MONEY_MOVEMENT, "read", RiskClass.READ))
        .rule(Rule.requireApproval("big-refunds", "finance").tool("billing").operation("refund")
            .when("args.amount > 1000").build())
        .grant(Grant.builder("g-root").principal("alice").holder("support-bot")
            .allow("billing", List.of("refund", "read"), "invoices/**").expiresAt(exp)
            .credential(new CredentialSpec("billing-api", List.of("refund", "read"), Duration.ofMinutes(10))).build())
        .grant(Grant.builder("g-sub").parent("g-root").holder("refunder").task("T-1")
            .allow("billing", List.of("refund"), "invoices/**").maxCalls(3).expiresAt(exp)
            .credential(new CredentialSpec("billing-api", List.of("refund"), Duration.ofMinutes(5))).build())
        .build();
  }

  static Remit remit(AuditTrail trail) {
    return Remit.builder().policy(policy()).clock(CLOCK).audit(trail).build();
  }

  static Request refund(int amount) {
    return Request.of("refunder", "billing", "refund").resource("invoice", "invoices/42")
        .arg("amount", amount).arg("card_number", "4111111111111111")
        .task("T-1")
        .context("invoker", "user:alice@example.com")
        .context("intent", "Refund the double charge on invoice 42")
        .context("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .context("user_email", "alice@example.com")
        .context("channel", "chat")
        .build();
  }
}
