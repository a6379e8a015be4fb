package dev.remit;

import static dev.remit.CacheFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random sequences of requests, revocations, suspensions, entitlement changes, grants issued,
 * approvals, clock moves and policy swaps, run through a cached and an uncached decision point
 * built from the same policy and clock: every decision must be the same (ids and times aside).
 */
class DecisionCacheDifferentialTest {
  private static final Duration[] STEPS = {Duration.ofMillis(1), Duration.ofMillis(999), Duration.ofSeconds(1),
      Duration.ofSeconds(59), Duration.ofMinutes(7), Duration.ofHours(1), Duration.ofHours(5), Duration.ofDays(1)};
  private static final String[] SUBJECTS = {"orch", "worker", "planner", "ghost", "worker"};
  private static final String[][] CALLS = {{"crm", "read"}, {"crm", "write"}, {"payments", "transfer"},
      {"deploy", "release"}, {"crm", "delete"}, {"payments", "transfer"}, {"deploy", "release"}};
  private static final String[] RESOURCES = {"crm/contacts/1", "crm/deals/2", "acct/ops/1", "acct/main/1",
      "svc/api", "svc/db", "crm/../etc"};
  private static final Object[] AMOUNTS = {null, 100, 1500, 1500.0, 2500L, 6000, "lots", 100.0};
  private static final String[] CLASSES = {null, "public", "secret", "internal"};
  private static final String[] ENVS = {null, "prod", "dev"};
  private static final String[] AGENTS = {"orch", "worker", "planner"};

  static Policy policyA() {
    TimeWindow business = CacheFixture.businessHours();
    TimeWindow night = new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneId.of("Europe/Paris"), Set.of());
    Policy.Builder b = CacheFixture.base()
        .rule(Rule.forbid("no-night-deploys").tool("deploy").during(night).build());
    for (Grant g : CacheFixture.policy().grants()) {
      b.grant(g);
    }
    return b
        .grant(Grant.builder("deploy").principal("alice").holder("orch").allow("deploy", List.of("release"), "svc/**")
            .window(business).maxCalls(25).expiresAt(T0.plus(Duration.ofDays(3)))
            .credential(new CredentialSpec("deploy-api", List.of("release"), Duration.ofMinutes(15))).build())
        .grant(Grant.builder("deploy-sub").parent("deploy").holder("worker").allow("deploy", List.of("release"), "svc/api")
            .window(business).maxCalls(8).notBefore(T0.plus(Duration.ofHours(2)))
            .expiresAt(T0.plus(Duration.ofDays(2))).build())
        .grant(Grant.builder("late").principal("alice").holder("planner").task("t1")
            .allow("payments", List.of("transfer"), "acct/**").constraint("args.amount < 2000")
            .notBefore(T0.plus(Duration.ofHours(6))).expiresAt(T0.plus(Duration.ofDays(1))).build())
        // scope constraints on attributes nothing else reads: a key without them would show
        .grant(Grant.builder("scoped").principal("alice").holder("worker")
            .scope(Scope.of("crm", List.of("write"), "crm/deals/*").withConstraints("args.priority <= 1"))
            .scope(Scope.of("deploy", List.of("release"), "svc/db").withConstraints("context.region == eu"))
            .expiresAt(T0.plus(Duration.ofDays(2))).build())
        .build();
  }

  static Policy policyB() {
    Policy.Builder b = Policy.builder().version("v2")
        .principal(Principal.human("alice", List.of(Scope.all("crm", "crm/**"),
            Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"))).withRole("finance"))
        .agent(Agent.of("orch", "alice", "orchestrates", "production"))
        .agent(Agent.of("worker", "alice", "does the work", "staging"))
        .agent(Agent.component("planner", "orch", "planner"))
        .tool(Tool.of("crm", "read", RiskClass.READ, "write", RiskClass.WRITE))
        .tool(Tool.of("payments", "transfer", RiskClass.MONEY_MOVEMENT))
        .tool(Tool.of("deploy", "release", RiskClass.PRODUCTION_CHANGE))
        .rule(Rule.forbid("no-secret").tool("crm").when("resource.classification in [secret, internal]").build())
        .rule(Rule.forbid("staging-no-money").risk(RiskClass.MONEY_MOVEMENT).when("agent.environment == staging").build())
        .rule(Rule.requireApproval("big-transfer", "finance").tool("payments").when("args.amount > 500").build());
    for (Grant g : policyA().grants()) {
      if (!g.id().equals("sub")) {
        b.grant(g);
      }
    }
    return b.build();
  }

  @Property(tries = 30, seed = "20261123")
  void cachedAndUncachedDecisionPointsDecideAlike(@ForAll long seed) {
    Random rnd = new Random(seed);
    MutableClock clock = new MutableClock(T0.minus(Duration.ofHours(rnd.nextInt(12))));
    Policy a = policyA();
    Policy b = policyB();
    Remit cached = Remit.builder().policy(a).clock(clock).decisionCacheSize(1 + rnd.nextInt(64)).build();
    Remit plain = Remit.builder().policy(a).clock(clock).withoutDecisionCache().build();
    List<String> grantIds = new ArrayList<>(List.of("root", "sub", "pay", "subpay", "comp", "deploy", "deploy-sub", "late", "scoped"));
    List<Request> recent = new ArrayList<>();
    int issued = 0;
    // a runtime grant from the start whose scope constraint reads what nothing else does
    Grant batch = Grant.builder("rt-batch").principal("alice").holder("worker")
        .scope(Scope.of("deploy", List.of("release"), "svc/*").withConstraints("args.batch <= 2"))
        .ttl(Duration.ofDays(1)).build(clock.instant());
    both("seed " + seed + " setup", () -> Fixtures.issue(cached, batch), () -> Fixtures.issue(plain, batch));
    grantIds.add(batch.id());
    for (int step = 0; step < 600; step++) {
      int what = rnd.nextInt(100);
      String label = "seed " + seed + " step " + step;
      if (what < 90) {
        Request r = recent.size() > 3 && rnd.nextInt(3) > 0
            ? recent.get(rnd.nextInt(recent.size())) : request(rnd);
        if (rnd.nextInt(4) == 0) {
          r = varied(rnd, r);
        }
        if (recent.size() < 12) {
          recent.add(r);
        } else {
          recent.set(rnd.nextInt(recent.size()), r);
        }
        same(label + " " + r, cached.authorize(r), plain.authorize(r), true);
      } else if (what < 93) {
        clock.advance(STEPS[rnd.nextInt(STEPS.length)]);
      } else if (what < 94) {
        String id = grantIds.get(rnd.nextInt(grantIds.size()));
        both(label, () -> cached.revokeGrant(id), () -> plain.revokeGrant(id));
      } else if (what < 95) {
        String agent = AGENTS[rnd.nextInt(AGENTS.length)];
        int how = rnd.nextInt(10);
        if (how < 5) {
          both(label, () -> cached.suspendAgent(agent), () -> plain.suspendAgent(agent));
        } else if (how < 9) {
          both(label, () -> cached.resumeAgent(agent), () -> plain.resumeAgent(agent));
        } else {
          both(label, () -> cached.revokeAgent(agent), () -> plain.revokeAgent(agent));
        }
      } else if (what < 96) {
        List<Scope> e = switch (rnd.nextInt(4)) {
          case 0 -> List.of(Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"));
          case 1 -> List.of(Scope.of("crm", List.of("read"), "crm/contacts/*"), Scope.all("deploy", "svc/api"));
          case 2 -> List.of(Scope.all("crm", "crm/**").withConstraints("context.lane != slow"),
              Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"));
          default -> List.of(Scope.all("crm", "crm/**"), Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"));
        };
        both(label, () -> cached.restrictEntitlements("alice", e), () -> plain.restrictEntitlements("alice", e));
      } else if (what < 97) {
        Policy p = rnd.nextBoolean() ? a : b;
        both(label, () -> cached.swapPolicy(p), () -> plain.swapPolicy(p));
      } else if (what < 99) {
        Grant g = runtimeGrant(rnd, "rt-" + issued++, clock);
        grantIds.add(g.id());
        both(label, () -> Fixtures.issue(cached, g), () -> Fixtures.issue(plain, g));
      } else {
        approvalRound(label, rnd, cached, plain);
      }
    }
    assertThat(cached.cacheStats().hits()).as("the cache was exercised").isPositive();
  }

  private static Request request(Random rnd) {
    String[] call = CALLS[rnd.nextInt(CALLS.length)];
    Request.Builder b = Request.of(SUBJECTS[rnd.nextInt(SUBJECTS.length)], call[0], call[1])
        .resource(RESOURCES[rnd.nextInt(RESOURCES.length)]);
    Object amount = AMOUNTS[rnd.nextInt(AMOUNTS.length)];
    if (amount != null) {
      b.arg("amount", amount);
    }
    String cls = CLASSES[rnd.nextInt(CLASSES.length)];
    if (cls != null) {
      b.resourceProperty("classification", cls);
    }
    String env = ENVS[rnd.nextInt(ENVS.length)];
    if (env != null) {
      b.context("env", env);
    }
    if (rnd.nextInt(4) == 0) {
      b.task("t1");
    }
    if (rnd.nextInt(5) == 0) {
      b.arg("count", rnd.nextInt(4));
    }
    if (rnd.nextInt(3) == 0) {
      b.arg("priority", rnd.nextInt(3));
    }
    if (rnd.nextInt(3) == 0) {
      b.context("region", rnd.nextBoolean() ? "eu" : "us");
    }
    if (rnd.nextInt(3) == 0) {
      b.context("lane", rnd.nextBoolean() ? "fast" : "slow");
    }
    if (rnd.nextInt(3) == 0) {
      b.arg("batch", rnd.nextInt(4));
    }
    b.context("traceparent", "00-" + Long.toHexString(rnd.nextLong()) + "-01");
    return b.build();
  }

  /**
   * Returns {@code r} with one of the values only scope or entitlement constraints read changed:
   * a key that left such a value out would serve the other request's decision.
   */
  private static Request varied(Random rnd, Request r) {
    java.util.Map<String, Object> args = new java.util.HashMap<>(r.args());
    java.util.Map<String, Object> context = new java.util.HashMap<>(r.context());
    switch (rnd.nextInt(4)) {
      case 0 -> args.put("priority", rnd.nextInt(3));
      case 1 -> context.put("region", rnd.nextBoolean() ? "eu" : "us");
      case 2 -> context.put("lane", rnd.nextBoolean() ? "fast" : "slow");
      default -> args.put("batch", rnd.nextInt(4));
    }
    return new Request(r.subject(), r.tool(), r.operation(), r.resource(), r.resourceType(), args,
        r.resourceProperties(), context);
  }

  private static Grant runtimeGrant(Random rnd, String id, MutableClock clock) {
    Grant.Builder g = Grant.builder(id);
    switch (rnd.nextInt(5)) {
      case 0 -> g.parent("root").holder("worker").allow("crm", List.of("write"), "crm/deals/*")
          .constraint("context.env == prod");
      case 1 -> g.principal("alice").holder("planner").allow("deploy", List.of("release"), "svc/*")
          .maxCalls(1 + rnd.nextInt(5)).constraint("args.count < 3");
      case 2 -> g.parent("pay").holder("worker").allow("payments", List.of("transfer"), "acct/main/*")
          .constraint("args.amount <= 1000");
      case 3 -> g.principal("alice").holder("worker")
          .scope(Scope.of("deploy", List.of("release"), "svc/*").withConstraints("args.batch <= 2"));
      default -> g.principal("alice").holder("worker").allow("crm", List.of("read", "write"), "crm/**")
          .task("t1").notBefore(clock.instant().plus(Duration.ofMinutes(rnd.nextInt(90))));
    }
    return g.ttl(Duration.ofMinutes(5 + rnd.nextInt(300))).build(clock.instant());
  }

  private static void approvalRound(String label, Random rnd, Remit cached, Remit plain) {
    Request r = Request.of(rnd.nextBoolean() ? "worker" : "orch", "payments", "transfer")
        .resource(rnd.nextBoolean() ? "acct/ops/1" : "acct/main/1").arg("amount", rnd.nextBoolean() ? 1500 : 800)
        .build();
    String[] ids = new String[2];
    Throwable[] thrown = new Throwable[2];
    try {
      ids[0] = cached.approve(r, "alice", "finance", Duration.ofMinutes(10)).id();
    } catch (RuntimeException e) {
      thrown[0] = e;
    }
    try {
      ids[1] = plain.approve(r, "alice", "finance", Duration.ofMinutes(10)).id();
    } catch (RuntimeException e) {
      thrown[1] = e;
    }
    assertThat(thrown[0] == null ? null : thrown[0].getMessage()).as(label)
        .isEqualTo(thrown[1] == null ? null : thrown[1].getMessage());
    if (ids[0] == null) {
      return;
    }
    int uses = 1 + rnd.nextInt(2);
    for (int i = 0; i < uses; i++) {
      same(label + " approval use " + i, cached.authorize(r.withContext("approval", ids[0])),
          plain.authorize(r.withContext("approval", ids[1])), false);
    }
  }

  private static void same(String label, Decision c, Decision p, boolean messages) {
    assertThat(c.outcome()).as(label).isEqualTo(p.outcome());
    assertThat(c.codes()).as(label).isEqualTo(p.codes());
    if (messages) {
      assertThat(c.reasons()).as(label).isEqualTo(p.reasons());
      assertThat(c.obligations()).as(label).isEqualTo(p.obligations());
      assertThat(c.grant()).as(label).isEqualTo(p.grant());
      assertThat(c.chain()).as(label).isEqualTo(p.chain());
    }
    assertThat(c.policyVersion()).as(label).isEqualTo(p.policyVersion());
    assertThat(c.revision()).as(label).isEqualTo(p.revision());
    assertThat(c.evaluatedAt()).as(label).isEqualTo(p.evaluatedAt());
  }

  private static void both(String label, Runnable onCached, Runnable onPlain) {
    String c = attempt(onCached);
    String p = attempt(onPlain);
    assertThat(c).as(label).isEqualTo(p);
  }

  private static String attempt(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
