package dev.remit;

import static dev.remit.RiskClass.EXTERNAL_COMMUNICATION;
import static dev.remit.RiskClass.MONEY_MOVEMENT;
import static dev.remit.RiskClass.PRODUCTION_CHANGE;
import static dev.remit.RiskClass.READ;
import static dev.remit.RiskClass.WRITE;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The world most tests decide in: a catalog, three principals and a handful of agents. Grants are
 * added per test, usually at runtime through {@link Remit#issue}.
 *
 * <p>Principals: {@code alice} (human, entitled to everything, approver role {@code finance}),
 * {@code bob} (human, only {@code crm}, role {@code cfo}), {@code billing-svc} (a service, role
 * {@code finance}). Agents: {@code orch}, {@code worker}, {@code helper} (top-level) and {@code bot}
 * with components {@code bot.planner} and {@code bot.connector}.
 */
final class Fixtures {
  /** A Monday, 10:00 UTC. */
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final Instant IN_ONE_HOUR = T0.plus(Duration.ofHours(1));
  static final List<String> ALL_OPS = List.of("*");

  private Fixtures() {}

  static Policy.Builder base() {
    return Policy.builder()
        .version("test-1")
        .tool(Tool.of("payments", "read", READ, "transfer", MONEY_MOVEMENT))
        .tool(Tool.of("crm", "read", READ, "write", WRITE))
        .tool(Tool.of("db", "query", READ, "migrate", PRODUCTION_CHANGE))
        .tool(Tool.of("mail", "send", EXTERNAL_COMMUNICATION).withAttribute("destination", "external"))
        .tool(Tool.of("s3", "get", READ, "put", WRITE))
        .tool(Tool.of("github/issues", "read", READ, "write", WRITE))
        .principal(new Principal("alice", Principal.Kind.HUMAN, List.of(Scope.all("**", "**")),
            Set.of("finance")))
        .principal(new Principal("bob", Principal.Kind.HUMAN, List.of(Scope.all("crm", "**")),
            Set.of("cfo")))
        .principal(new Principal("billing-svc", Principal.Kind.SERVICE,
            List.of(Scope.all("**", "**")), Set.of("finance")))
        .agent(Agent.of("orch", "alice", "orchestrates a session", "production"))
        .agent(Agent.of("worker", "alice", "does the work", "staging"))
        .agent(Agent.of("helper", "alice", "helps the worker", "staging"))
        .agent(Agent.of("bot", "alice", "travel bookings", "production"))
        .agent(Agent.component("bot.planner", "bot", "orchestrator"))
        .agent(Agent.component("bot.connector", "bot", "tool-connector"));
  }

  static Policy policy() {
    return base().build();
  }

  /** Returns a decision point with the default decision cache. */
  static Remit remit(Policy p, MutableClock clock) {
    return Remit.builder().policy(p).clock(clock).build();
  }

  /** Returns a decision point with or without the decision cache. */
  static Remit remit(Policy p, MutableClock clock, boolean cached) {
    Remit.Builder b = Remit.builder().policy(p).clock(clock);
    return (cached ? b : b.withoutDecisionCache()).build();
  }

  static MutableClock clock() {
    return new MutableClock(T0);
  }

  /** A root grant for alice, expiring in an hour. */
  static Grant.Builder rootGrant(String id, String holder) {
    return Grant.builder(id).principal("alice").holder(holder).expiresAt(IN_ONE_HOUR);
  }

  /** A sub-grant of {@code parent}, expiring in an hour. */
  static Grant.Builder subGrant(String id, String parent, String holder) {
    return Grant.builder(id).parent(parent).holder(holder).expiresAt(IN_ONE_HOUR);
  }

  /** A call by {@code subject} of payments.transfer on {@code acct/1} for {@code amount}. */
  static Request transfer(String subject, Object amount) {
    return Request.of(subject, "payments", "transfer").resource("acct/1").arg("amount", amount).build();
  }

  static Request.Builder call(String subject, String tool, String op, String resource) {
    return Request.of(subject, tool, op).resource(resource);
  }

  /**
   * Issues {@code g} as the old single entry point did: a root grant for its principal, a sub-grant
   * delegated by the holder of its parent (tests about who may delegate call delegate themselves).
   */
  static Grant issue(Remit remit, Grant g) {
    if (g.parent() == null) {
      return remit.issue(g);
    }
    Grant parent = remit.grant(g.parent());
    return remit.delegate(parent == null ? g.holder() : parent.holder(), g);
  }

  /** Like {@link #issue(Remit, Grant)}, resolving a relative ttl against the decision point's clock. */
  static Grant issue(Remit remit, Grant.Builder g) {
    return issue(remit, g.build(remit.clock().instant()));
  }
}
