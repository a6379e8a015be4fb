package dev.remit.bench;

import dev.remit.Agent;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.Tool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The authorization question every engine in the suite answers: a user ({@code alice}) delegates to
 * an {@code orchestrator} agent, which delegates to a {@code sub-agent}; the sub-agent calls tools.
 *
 * <p>Shape (the "uncached native" scenario): a 3-link chain (alice's entitlements, the
 * orchestrator's root grant, the sub-agent's sub-grant) with 100 scope entries across it (40
 * entitlements, 16 + 24 in the orchestrator's two grants, 8 + 12 in the sub-agent's two), 20
 * forbid rules and numeric/set constraints on call arguments at both grant levels.
 *
 * <p>The same data is rendered as a Cedar policy set ({@link PeerPolicies#cedar()}) and a jCasbin
 * model and policy ({@link PeerPolicies#casbinPolicy()}); both peers get the chain
 * <em>flattened</em> (the intersection precomputed: a sub-grant's scope with the constraints of every
 * link), which is less work than Remit does per call (Remit walks the chain and re-checks the
 * principal's current entitlements on every decision).
 */
public final class Scenario {
  public static final String PRINCIPAL = "alice";
  public static final String ORCHESTRATOR = "orchestrator";
  public static final String SUB_AGENT = "sub-agent";

  /** All decisions are made at this instant (fixed clock: grants never expire mid-run). */
  public static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
  static final Instant EXPIRES = Instant.parse("2036-01-01T00:00:00Z");

  /** A comparison of one argument: {@code args.NAME OP VALUE} (numbers) or a set (strings). */
  public record Cond(String arg, String op, Object value) {
    /** Returns the Remit constraint text. */
    public String remit() {
      if (value instanceof List<?> l) {
        return "args." + arg + " " + op + " [" + String.join(", ", strings(l)) + "]";
      }
      return "args." + arg + " " + op + " " + value;
    }
  }

  /** One scope entry: a tool, some of its operations, one resource pattern. */
  public record Entry(String tool, List<String> ops, String resource) {}

  /** A grant: id, holder, parent (or null), scope entries, argument constraints. */
  public record GrantSpec(String id, String holder, String parent, List<Entry> entries, List<Cond> conds) {}

  /** A forbid rule: selectors (empty = any) and conditions (missing attribute => deny). */
  public record RuleSpec(String id, RiskClass risk, String tool, List<String> ops, String resource,
      List<Cond> conds) {}

  /** Tool name, then operation:risk pairs. */
  static final String[][] TOOLS = {
    {"crm", "read:read", "write:write", "export:external-communication"},
    {"payments", "read:read", "transfer:money-movement", "refund:money-movement"},
    {"email", "read:read", "send:external-communication"},
    {"tickets", "read:read", "write:write"},
    {"repos", "read:read", "write:write", "admin:admin"},
    {"deploy", "status:read", "release:production-change"},
    {"db", "query:read", "write:write", "drop:admin"},
    {"files", "read:read", "write:write"},
    {"calendar", "read:read", "write:write"},
    {"search", "query:read"},
  };

  /** Tools the "work" grants cover, with the operations granted (risky ones left out). */
  static final String[][] WORK = {
    {"crm", "read", "write", "export"},
    {"email", "read", "send"},
    {"tickets", "read", "write"},
    {"files", "read", "write"},
    {"calendar", "read", "write"},
    {"search", "query"},
  };

  private Scenario() {}

  public static List<Tool> tools() {
    List<Tool> out = new ArrayList<>();
    for (String[] t : TOOLS) {
      Map<String, RiskClass> ops = new LinkedHashMap<>();
      for (int i = 1; i < t.length; i++) {
        String[] p = t[i].split(":");
        ops.put(p[0], risk(p[1]));
      }
      out.add(new Tool(t[0], ops, Map.of()));
    }
    return out;
  }

  static RiskClass risk(String wire) {
    for (RiskClass r : RiskClass.values()) {
      if (r.wireName().equals(wire)) {
        return r;
      }
    }
    throw new IllegalArgumentException(wire);
  }

  /** Returns every operation of {@code tool} with risk {@code risk}. */
  static List<String> opsWithRisk(String tool, RiskClass risk) {
    List<String> out = new ArrayList<>();
    for (String[] t : TOOLS) {
      if (t[0].equals(tool)) {
        for (int i = 1; i < t.length; i++) {
          String[] p = t[i].split(":");
          if (risk(p[1]) == risk) {
            out.add(p[0]);
          }
        }
      }
    }
    return out;
  }

  static List<String> allOps(String tool) {
    for (String[] t : TOOLS) {
      if (t[0].equals(tool)) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < t.length; i++) {
          out.add(t[i].split(":")[0]);
        }
        return out;
      }
    }
    throw new IllegalArgumentException(tool);
  }

  /** alice's entitlements: every tool, areas 0..3, all operations (40 entries). */
  public static List<Entry> entitlements() {
    List<Entry> out = new ArrayList<>();
    for (String[] t : TOOLS) {
      for (int a = 0; a < 4; a++) {
        out.add(new Entry(t[0], List.of("*"), t[0] + "/area" + a + "/*"));
      }
    }
    return out;
  }

  /** The four grants of the chain, parents first. */
  public static List<GrantSpec> grants() {
    List<Entry> orchPay = new ArrayList<>();
    List<Entry> subPay = new ArrayList<>();
    for (int a = 0; a < 4; a++) {
      for (int x = 0; x < 4; x++) {
        Entry e = new Entry("payments", List.of("transfer"), "payments/area" + a + "/x" + x + "-*");
        orchPay.add(e);
        if (a < 2) {
          subPay.add(e);
        }
      }
    }
    List<Entry> orchWork = new ArrayList<>();
    List<Entry> subWork = new ArrayList<>();
    for (String[] w : WORK) {
      List<String> ops = List.of(w).subList(1, w.length);
      for (int a = 0; a < 4; a++) {
        Entry e = new Entry(w[0], ops, w[0] + "/area" + a + "/*");
        orchWork.add(e);
        if (a < 2) {
          subWork.add(e);
        }
      }
    }
    return List.of(
        new GrantSpec("g-orch-pay", ORCHESTRATOR, null, orchPay, List.of(
            new Cond("amount", "<=", 1000), new Cond("currency", "in", List.of("EUR", "USD", "GBP")))),
        new GrantSpec("g-orch-work", ORCHESTRATOR, null, orchWork, List.of(new Cond("limit", "<=", 200))),
        new GrantSpec("g-sub-pay", SUB_AGENT, "g-orch-pay", subPay, List.of(
            new Cond("amount", "<=", 500), new Cond("currency", "in", List.of("EUR", "USD")))),
        new GrantSpec("g-sub-work", SUB_AGENT, "g-orch-work", subWork, List.of(new Cond("limit", "<=", 100))));
  }

  /** The 20 forbid rules. */
  public static List<RuleSpec> rules() {
    List<RuleSpec> out = new ArrayList<>();
    out.add(new RuleSpec("no-production-changes", RiskClass.PRODUCTION_CHANGE, null, List.of(), null, List.of()));
    out.add(new RuleSpec("no-admin", RiskClass.ADMIN, null, List.of(), null, List.of()));
    out.add(new RuleSpec("no-large-transfers", null, "payments", List.of("transfer"), null,
        List.of(new Cond("amount", ">", 10000))));
    out.add(new RuleSpec("no-sanctioned-countries", null, "payments", List.of("transfer"), null,
        List.of(new Cond("country", "in", List.of("KP", "IR", "SY")))));
    for (String[] w : WORK) {
      out.add(new RuleSpec("no-secrets-" + w[0], null, w[0], List.of(), w[0] + "/area1/secret-*", List.of()));
    }
    out.add(new RuleSpec("no-external-email", null, "email", List.of("send"), null,
        List.of(new Cond("external", "==", true))));
    out.add(new RuleSpec("no-pii-export", null, "crm", List.of("export"), null,
        List.of(new Cond("include_pii", "==", true))));
    String[][] frozen = {{"crm", "write"}, {"payments", "transfer"}, {"email", "send"}, {"tickets", "write"},
        {"files", "write"}, {"calendar", "write"}, {"db", "write"}, {"repos", "write"}};
    for (String[] f : frozen) {
      out.add(new RuleSpec("freeze-" + f[0] + "-area3", null, f[0], List.of(f[1]), f[0] + "/area3/*", List.of()));
    }
    return out;
  }

  /** Returns the Remit policy of the scenario. */
  public static Policy policy() {
    Policy.Builder b = Policy.builder().version("bench-1").source("Scenario")
        .agent(Agent.of(ORCHESTRATOR, "team-a", "plans and delegates", "production"))
        .agent(Agent.of(SUB_AGENT, "team-a", "executes tool calls", "production"))
        .principal(Principal.human(PRINCIPAL, scopes(entitlements())));
    tools().forEach(b::tool);
    for (RuleSpec r : rules()) {
      Rule.Builder rb = Rule.forbid(r.id());
      if (r.risk() != null) {
        rb.risk(r.risk());
      }
      if (r.tool() != null) {
        rb.tool(r.tool());
      }
      r.ops().forEach(rb::operation);
      if (r.resource() != null) {
        rb.resource(r.resource());
      }
      r.conds().forEach(c -> rb.when(c.remit()));
      b.rule(rb.build());
    }
    for (GrantSpec g : grants()) {
      b.grant(grant(g));
    }
    return b.build();
  }

  static Grant grant(GrantSpec g) {
    Grant.Builder gb = Grant.builder(g.id()).holder(g.holder()).expiresAt(EXPIRES);
    if (g.parent() == null) {
      gb.principal(PRINCIPAL);
    } else {
      gb.parent(g.parent());
    }
    scopes(g.entries()).forEach(gb::scope);
    g.conds().forEach(c -> gb.constraint(c.remit()));
    return gb.build();
  }

  static List<Scope> scopes(List<Entry> entries) {
    List<Scope> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(Scope.of(e.tool(), e.ops(), e.resource()));
    }
    return out;
  }

  /** Returns a clock fixed at {@link #NOW}. */
  public static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  /** Returns a decision point for the scenario, with or without the decision cache. */
  public static Remit remit(boolean cached) {
    Remit.Builder b = Remit.builder().policy(policy()).clock(clock());
    if (!cached) {
      b.withoutDecisionCache();
    }
    return b.build();
  }

  // ------------------------------------------------------------------ requests

  /** A call in engine-neutral form; {@link #toRequest()} gives the Remit request. */
  public record Call(String subject, String tool, String op, String resource, Map<String, Object> args) {
    public Call {
      args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    public Request toRequest() {
      Request.Builder b = Request.of(subject, tool, op).resource(resource);
      args.forEach(b::arg);
      return b.build();
    }
  }

  /**
   * Returns {@code n} distinct calls that the scenario allows (the hot path): sub-agent transfers
   * within its constraints and sub-agent work-tool calls, in a fixed pseudo-random order.
   */
  public static Call[] allowedCalls(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Call[] out = new Call[n];
    for (int i = 0; i < n; i++) {
      if (rnd.nextInt(3) == 0) {
        int a = rnd.nextInt(2);
        int x = rnd.nextInt(4);
        out[i] = new Call(SUB_AGENT, "payments", "transfer", "payments/area" + a + "/x" + x + "-" + i,
            args("amount", (long) 1 + rnd.nextInt(500), "currency", rnd.nextBoolean() ? "EUR" : "USD",
                "country", new String[] {"DE", "FR", "US", "NL"}[rnd.nextInt(4)]));
      } else {
        String[] w = WORK[rnd.nextInt(WORK.length)];
        String op = w[1 + rnd.nextInt(w.length - 1)];
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("limit", (long) 1 + rnd.nextInt(100));
        if (op.equals("send")) {
          args.put("external", false);
        }
        if (op.equals("export")) {
          args.put("include_pii", false);
        }
        out[i] = new Call(SUB_AGENT, w[0], op, w[0] + "/area" + rnd.nextInt(2) + "/item-" + i, args);
      }
    }
    return out;
  }

  /** A call with the decision every engine must give it, and why. */
  public record Expected(String why, Call call, boolean allow) {}

  /** Returns calls whose expected decision is known, including every kind of deny. */
  public static List<Expected> decisionTable() {
    List<Expected> out = new ArrayList<>();
    for (Call c : allowedCalls(64, 7)) {
      out.add(new Expected("in scope, constraints hold", c, true));
    }
    out.add(ok("orchestrator acts itself under its own grant", new Call(ORCHESTRATOR, "payments", "transfer",
        "payments/area2/x1-9", args("amount", 900L, "currency", "GBP", "country", "DE"))));
    out.add(ok("orchestrator reads crm area 3", new Call(ORCHESTRATOR, "crm", "read", "crm/area3/item-1",
        args("limit", 150L))));
    out.add(no("out of scope: area the sub-grant does not cover", new Call(SUB_AGENT, "crm", "read",
        "crm/area2/item-1", args("limit", 10L))));
    out.add(no("out of scope: tool no grant covers", new Call(SUB_AGENT, "db", "query", "db/area0/t1",
        args("limit", 10L))));
    out.add(no("out of scope: operation not granted", new Call(SUB_AGENT, "payments", "refund",
        "payments/area0/x0-1", args("amount", 10L, "currency", "EUR", "country", "DE"))));
    out.add(no("out of scope: unknown agent", new Call("stranger", "crm", "read", "crm/area0/item-1",
        args("limit", 10L))));
    out.add(no("forbidden by rule: secret resource inside the granted area", new Call(SUB_AGENT, "files", "read",
        "files/area1/secret-7", args("limit", 10L))));
    out.add(no("forbidden by rule: sanctioned country", new Call(SUB_AGENT, "payments", "transfer",
        "payments/area0/x2-5", args("amount", 10L, "currency", "EUR", "country", "KP"))));
    out.add(no("forbidden by rule: external email", new Call(SUB_AGENT, "email", "send", "email/area0/m-1",
        args("limit", 1L, "external", true))));
    out.add(no("forbidden by rule: frozen area for the orchestrator", new Call(ORCHESTRATOR, "crm", "write",
        "crm/area3/item-2", args("limit", 10L))));
    out.add(no("forbidden by risk: admin", new Call(ORCHESTRATOR, "db", "drop", "db/area0/t1", args())));
    out.add(no("forbidden by risk: production change", new Call(SUB_AGENT, "deploy", "release",
        "deploy/area0/svc", args())));
    out.add(no("constraint violated: amount above the sub-grant's 500", new Call(SUB_AGENT, "payments",
        "transfer", "payments/area0/x1-3", args("amount", 700L, "currency", "EUR", "country", "DE"))));
    out.add(no("constraint violated: currency the sub-grant excludes", new Call(SUB_AGENT, "payments",
        "transfer", "payments/area1/x3-3", args("amount", 70L, "currency", "GBP", "country", "DE"))));
    out.add(no("constraint violated: page limit", new Call(SUB_AGENT, "crm", "read", "crm/area0/item-9",
        args("limit", 150L))));
    out.add(no("missing attribute: grant constraint (no amount)", new Call(SUB_AGENT, "payments", "transfer",
        "payments/area0/x0-8", args("currency", "EUR", "country", "DE"))));
    out.add(no("missing attribute: forbid condition (no country) must not be skipped", new Call(SUB_AGENT,
        "payments", "transfer", "payments/area0/x0-9", args("amount", 10L, "currency", "EUR"))));
    out.add(no("missing attribute: forbid condition (no external flag)", new Call(SUB_AGENT, "email", "send",
        "email/area0/m-2", args("limit", 1L))));
    out.add(no("missing attribute: forbid condition (no include_pii)", new Call(SUB_AGENT, "crm", "export",
        "crm/area1/item-4", args("limit", 1L))));
    return out;
  }

  private static Expected ok(String why, Call c) {
    return new Expected(why, c, true);
  }

  private static Expected no(String why, Call c) {
    return new Expected(why, c, false);
  }

  static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<String> strings(List<?> l) {
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      out.add(String.valueOf(o));
    }
    return out;
  }
}
