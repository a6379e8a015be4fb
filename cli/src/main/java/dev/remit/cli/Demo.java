package dev.remit.cli;

import dev.remit.Agent;
import dev.remit.Approval;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.GrantRefusedException;
import dev.remit.Guard;
import dev.remit.NotAuthorizedException;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.Tool;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The bundled demo scenario of an agent session, built with the Java API: user alice's
 * orchestrator agent {@code travel-bot} delegates to its component {@code travel-bot.researcher};
 * in-scope calls are allowed, an out-of-scope call is denied, a widening delegation is refused, a
 * payment needs a human approval and then passes with it, the approval cannot be replayed, and
 * revoking the root grant cuts the researcher off.
 *
 * <p>Every request carries the session's context: who invoked the agent ({@link #INVOKER}), what
 * they asked for ({@link #INTENT}) and the task ({@link #TASK}) every grant is scoped to. Calls go
 * through a {@link Guard}: on ALLOW a stand-in tool runs and reports its {@link Effects}, so an
 * audited run records each decision's outcome too.
 *
 * <p>The scenario is a list of {@link Step}s run against one {@link Remit} on a fixed clock, so its
 * output is the same on every run. Other commands can reuse it: {@link #run(PrintWriter,
 * UnaryOperator)} lets the caller configure the decision point (e.g. attach an audit sink) and
 * returns every decision made.
 */
public final class Demo {
  /** The instant the demo's clock is fixed at. */
  public static final Instant START = Instant.parse("2026-03-02T09:30:00Z");

  /** Who invoked the agent ({@code context.invoker} of every request). */
  public static final String INVOKER = "alice@example.com";

  /** What the invoker asked for ({@code context.intent} of every request). */
  public static final String INTENT = "Book my trip to Paris for the March offsite";

  /** The task every grant is scoped to and every request names ({@code context.task}). */
  public static final String TASK = "paris-offsite";

  /**
   * What the stand-in tool of an allowed call reports: what it changed and the ids of credentials
   * issued for it.
   *
   * @param changes what the call changed, in order
   * @param credentials ids of credentials issued for the call (never secrets)
   */
  public record Effects(Map<String, Object> changes, List<String> credentials) {
    public Effects {
      changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
      credentials = List.copyOf(credentials);
    }

    /** Returns effects of a call that changes nothing (a read). */
    public static Effects none() {
      return new Effects(Map.of(), List.of());
    }

    /** Returns effects of a call that changed {@code what}. */
    public static Effects changed(String what, Object detail) {
      return new Effects(Map.of(what, detail), List.of());
    }

    /** Returns these effects plus a credential issued for the call. */
    public Effects withCredential(String credentialId) {
      List<String> c = new ArrayList<>(credentials);
      c.add(credentialId);
      return new Effects(changes, c);
    }

    /** Returns what the tool reported, in words. */
    String describe() {
      if (changes.isEmpty() && credentials.isEmpty()) {
        return "changed nothing";
      }
      StringBuilder b = new StringBuilder();
      changes.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append(": ").append(v));
      credentials.forEach(c -> b.append(b.length() == 0 ? "" : "; ").append("credential ").append(c));
      return b.toString();
    }
  }

  /** One step of the scenario. */
  public sealed interface Step permits Call, Change {
    /** Returns what the step does, in words. */
    String title();
  }

  /**
   * An authorization call.
   *
   * @param title what the agent tries to do
   * @param request the request, built from the session (e.g. to present the last approval)
   * @param expected the outcome the scenario expects
   * @param expectedCode the reason code the scenario expects among the decision's reasons
   * @param effects what the stand-in tool reports if the call is allowed and runs
   */
  public record Call(String title, Function<Session, Request> request, Outcome expected, ReasonCode expectedCode,
      Effects effects) implements Step {
    public Call {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(expectedCode, "expectedCode");
      Objects.requireNonNull(effects, "effects");
    }

    /** A call whose tool, should it run, changes nothing. */
    public Call(String title, Function<Session, Request> request, Outcome expected, ReasonCode expectedCode) {
      this(title, request, expected, expectedCode, Effects.none());
    }
  }

  /**
   * A change of runtime state (issue, delegate, approve, revoke).
   *
   * @param title what changes, in words
   * @param change performs it and returns the result line to print
   * @param expectRefusal whether the change is expected to be refused (printed as such, not an error)
   */
  public record Change(String title, Function<Session, String> change, boolean expectRefusal) implements Step {
    public Change {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(change, "change");
    }
  }

  /** The state a run of the scenario carries from step to step. */
  public static final class Session {
    private final Remit remit;
    private Approval lastApproval;
    private final Map<String, String> aliases = new LinkedHashMap<>();

    Session(Remit remit) {
      this.remit = remit;
    }

    /** Returns the decision point. */
    public Remit remit() {
      return remit;
    }

    /** Returns the approval given last, or null. */
    public Approval lastApproval() {
      return lastApproval;
    }

    void approved(Approval a) {
      lastApproval = a;
      aliases.put(a.id(), "approval#" + (aliases.size() + 1));
    }

    /** Replaces random approval ids by stable aliases so that the output is deterministic. */
    String stable(String text) {
      for (Map.Entry<String, String> e : aliases.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      return text;
    }
  }

  private Demo() {}

  /** Returns the demo's fixed clock. */
  public static Clock clock() {
    return Clock.fixed(START, ZoneOffset.UTC);
  }

  /** Returns the demo policy: identities, tool catalog and the approval rule; no grants yet. */
  public static Policy policy() {
    return Policy.builder()
        .version("demo-1")
        .source("<demo>")
        .principal(Principal.human("alice", List.of(
            Scope.all("flights", "trips/**"), Scope.all("hotels", "trips/**"), Scope.all("payments", "trips/**"))))
        .principal(Principal.human("bob", List.of()).withRole("finance-approver"))
        .agent(Agent.of("travel-bot", "alice", "plans and books business trips", "production"))
        .agent(Agent.component("travel-bot.researcher", "travel-bot", "reasoner"))
        .tool(Tool.of("flights", "search", RiskClass.READ, "book", RiskClass.WRITE))
        .tool(Tool.of("hotels", "search", RiskClass.READ, "book", RiskClass.WRITE))
        .tool(Tool.of("payments", "pay", RiskClass.MONEY_MOVEMENT))
        .rule(Rule.requireApproval("payments-need-finance", "finance-approver")
            .risk(RiskClass.MONEY_MOVEMENT)
            .description("money movement needs a finance approver")
            .build())
        .build();
  }

  private static final String BOT = "travel-bot";
  private static final String RESEARCHER = "travel-bot.researcher";

  /** Returns a request of the session: it carries the invoker, the intent and the task. */
  private static Request.Builder session(String subject, String tool, String operation) {
    return Request.of(subject, tool, operation).context("invoker", INVOKER).context("intent", INTENT).task(TASK);
  }

  private static Request search(String tool, String resource) {
    return session(RESEARCHER, tool, "search").resource(resource).arg("city", "Paris").build();
  }

  private static Request pay(int amount) {
    return session(BOT, "payments", "pay").resource("trips/paris/booking-42")
        .arg("amount", amount).arg("currency", "EUR").build();
  }

  /** Returns the scenario's steps, in order. */
  public static List<Step> steps() {
    List<Step> s = new ArrayList<>();
    s.add(new Change("alice issues root grant g-trip to travel-bot for task " + TASK + ": flights and hotels on "
        + "trips/paris/**, 2 hours", x -> {
          x.remit().issue(Grant.builder("g-trip").principal("alice").holder(BOT).task(TASK)
              .allow("flights", List.of("search", "book"), "trips/paris/**")
              .allow("hotels", List.of("search", "book"), "trips/paris/**")
              .ttl(Duration.ofHours(2)));
          return "issued g-trip";
        }, false));
    s.add(new Change("alice issues root grant g-pay to travel-bot for task " + TASK + ": payments.pay on "
        + "trips/paris/**, amount <= 2000, 2 hours", x -> {
          x.remit().issue(Grant.builder("g-pay").principal("alice").holder(BOT).task(TASK)
              .allow("payments", List.of("pay"), "trips/paris/**")
              .constraint("args.amount <= 2000")
              .ttl(Duration.ofHours(2)));
          return "issued g-pay";
        }, false));
    s.add(new Change("travel-bot delegates g-research to travel-bot.researcher: flights.search, "
        + "hotels.search on trips/paris/**, 20 calls, 1 hour", x -> {
          x.remit().delegate(BOT, Grant.builder("g-research").parent("g-trip").holder(RESEARCHER).task(TASK)
              .allow("flights", List.of("search"), "trips/paris/**")
              .allow("hotels", List.of("search"), "trips/paris/**")
              .maxCalls(20)
              .ttl(Duration.ofHours(1)));
          return "issued g-research (sub-grant of g-trip)";
        }, false));
    s.add(new Call("researcher searches flights", x -> search("flights", "trips/paris/flights"),
        Outcome.ALLOW, ReasonCode.GRANT_MATCHED));
    s.add(new Call("researcher searches hotels", x -> search("hotels", "trips/paris/hotels"),
        Outcome.ALLOW, ReasonCode.GRANT_MATCHED));
    s.add(new Call("travel-bot books hotel-7 for the offsite", x -> session(BOT, "hotels", "book")
        .resource("trips/paris/hotel-7").arg("nights", 3).build(),
        Outcome.ALLOW, ReasonCode.GRANT_MATCHED, Effects.changed("booking", "hotel-7 reserved, 3 nights")));
    s.add(new Call("researcher tries to pay (outside its remit)", x -> session(RESEARCHER, "payments", "pay")
        .resource("trips/paris/booking-42").arg("amount", 480).arg("currency", "EUR").build(),
        Outcome.DENY, ReasonCode.NO_MATCHING_GRANT));
    s.add(new Change("travel-bot tries to delegate flights on all trips/** (wider than g-trip)", x -> {
      try {
        x.remit().delegate(BOT, Grant.builder("g-wide").parent("g-trip").holder(RESEARCHER).task(TASK)
            .allow("flights", List.of("search", "book"), "trips/**")
            .ttl(Duration.ofMinutes(30)));
        return "issued g-wide (unexpected!)";
      } catch (GrantRefusedException e) {
        return "REFUSED: " + e.getMessage();
      }
    }, true));
    s.add(new Call("travel-bot pays the hotel 480 EUR", x -> pay(480),
        Outcome.REQUIRE_APPROVAL, ReasonCode.APPROVAL_REQUIRED));
    s.add(new Change("bob (finance-approver) approves exactly that payment, valid 15 minutes", x -> {
      Approval a = x.remit().approve(pay(480), "bob", "finance-approver", Duration.ofMinutes(15));
      x.approved(a);
      return "approved: " + x.stable(a.id()) + " bound to " + a.subject() + " " + a.tool() + "." + a.operation()
          + " on " + a.resource() + " " + a.bound();
    }, false));
    s.add(new Call("travel-bot presents the approval for 950 EUR instead", x -> withApproval(pay(950), x),
        Outcome.REQUIRE_APPROVAL, ReasonCode.APPROVAL_INVALID));
    s.add(new Call("travel-bot pays 480 EUR with the approval", x -> withApproval(pay(480), x),
        Outcome.ALLOW, ReasonCode.APPROVAL_ACCEPTED,
        Effects.changed("payment", "480 EUR to hotel-7").withCredential("cred-pay-1")));
    s.add(new Call("travel-bot replays the approval on another 950 EUR", x -> withApproval(pay(950), x),
        Outcome.REQUIRE_APPROVAL, ReasonCode.APPROVAL_INVALID));
    s.add(new Call("researcher searches flights again", x -> search("flights", "trips/paris/flights"),
        Outcome.ALLOW, ReasonCode.GRANT_MATCHED));
    s.add(new Change("alice revokes g-trip mid-session", x -> "revoked (cascading): "
        + String.join(", ", x.remit().revokeGrant("g-trip")), false));
    s.add(new Call("researcher searches flights after the revocation", x -> search("flights", "trips/paris/flights"),
        Outcome.DENY, ReasonCode.GRANT_REVOKED));
    return List.copyOf(s);
  }

  private static Request withApproval(Request r, Session x) {
    if (x.lastApproval() == null) {
      throw new IllegalStateException("no approval given yet");
    }
    return r.withContext("approval", x.lastApproval().id());
  }

  /**
   * Runs the scenario, printing each step; returns the decisions made, in order.
   *
   * @param out where to print
   * @param configure adjusts the decision point before it is built (the policy and fixed clock
   *     are already set); pass {@code UnaryOperator.identity()} for none
   */
  public static Result run(PrintWriter out, UnaryOperator<Remit.Builder> configure) {
    Remit remit = configure.apply(Remit.builder().policy(policy()).clock(clock())).build();
    Guard guard = Guard.of(remit);
    Session session = new Session(remit);
    List<Decision> decisions = new ArrayList<>();
    List<String> surprises = new ArrayList<>();
    out.println("Remit demo: alice's travel agent books a trip (clock fixed at " + START + ")");
    out.println("  principals: alice (traveller), bob (finance-approver)");
    out.println("  agents:     travel-bot (orchestrator), travel-bot.researcher (its component)");
    out.println("  rule:       payments-need-finance: money movement needs a finance approver");
    out.println("  session:    invoked by " + INVOKER + ", task " + TASK + ": \"" + INTENT + "\"");
    List<Step> steps = steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      out.println();
      out.printf("%2d. %s%n", i + 1, wrap(step.title(), "    "));
      if (step instanceof Change c) {
        String result = c.change().apply(session);
        out.println("    -> " + wrap(session.stable(result), "       "));
        if (c.expectRefusal() != result.startsWith("REFUSED")) {
          surprises.add("step " + (i + 1) + ": " + result);
        }
        continue;
      }
      Call call = (Call) step;
      Request r = call.request().apply(session);
      Decision d;
      boolean ran = false;
      try {
        d = guard.call(r, ex -> {
          call.effects().changes().forEach(ex::changed);
          call.effects().credentials().forEach(ex::credentialIssued);
          return ex.decision();
        });
        ran = true;
      } catch (NotAuthorizedException e) {
        d = e.decision();
      }
      decisions.add(d);
      out.printf("    %-22s %-15s %-24s %s%n", r.subject(), r.tool() + "." + r.operation(), r.resource(),
          r.args().isEmpty() ? "" : r.args());
      if (r.context().get("approval") != null) {
        out.printf("    %-22s approval %s%n", "", session.stable(String.valueOf(r.context().get("approval"))));
      }
      out.printf("    => %s%n", d.outcome());
      for (Reason reason : d.reasons()) {
        out.printf("       %-19s %s%n", reason.code(), wrap(session.stable(reason.message()), " ".repeat(27)));
      }
      d.obligations().forEach(o -> out.printf("       %-19s %s%n", "obligation",
          wrap(o.type() + " " + new java.util.TreeMap<>(o.attributes()), " ".repeat(27))));
      if (d.chain() != null) {
        out.printf("       %-19s %s%n", "chain", chain(d.chain()));
      }
      if (ran) {
        out.printf("       %-19s %s%n", "tool ran", wrap(call.effects().describe(), " ".repeat(27)));
      }
      if (d.outcome() != call.expected() || !d.has(call.expectedCode())) {
        surprises.add("step " + (i + 1) + ": expected " + call.expected() + " " + call.expectedCode()
            + ", got " + d.outcome() + " " + d.codes());
      }
    }
    out.println();
    if (surprises.isEmpty()) {
      out.println("Demo finished: every decision came out as the scenario expects.");
    } else {
      out.println("Demo finished with " + surprises.size() + " unexpected result(s):");
      surprises.forEach(x -> out.println("  " + x));
    }
    out.flush();
    return new Result(List.copyOf(decisions), List.copyOf(surprises));
  }

  /**
   * What a run produced.
   *
   * @param decisions the decisions, one per call step
   * @param surprises steps whose result differs from what the scenario expects (empty when all is well)
   */
  public record Result(List<Decision> decisions, List<String> surprises) {}

  /** Returns the text word-wrapped at 100 columns, continuation lines starting with {@code indent}. */
  static String wrap(String text, String indent) {
    StringBuilder b = new StringBuilder();
    int col = indent.length();
    for (String word : text.split(" ")) {
      if (col > indent.length() && col + 1 + word.length() > 100) {
        b.append('\n').append(indent);
        col = indent.length();
      } else if (b.length() > 0) {
        b.append(' ');
        col++;
      }
      b.append(word);
      col += word.length();
    }
    return b.toString();
  }

  static String chain(DelegationChain c) {
    StringBuilder b = new StringBuilder(c.principal());
    for (DelegationChain.Hop h : c.hops()) {
      b.append(" -> ").append(h.holder()).append(" [").append(h.grant()).append(']');
    }
    return b.toString();
  }
}
