package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.engine.Call;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.Glob;
import dev.remit.internal.policy.RuleNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No rule of a shipped policy can be skipped by sending its attribute with the wrong type: for
 * every rule with {@code when} conditions, calls its selectors match carry, in one condition's
 * attribute, a string for a number, a number for a string, a list, a map, a boolean, an infinity or
 * NaN, the other conditions holding. The rule must report that it cannot tell, and where the same
 * call is allowed without the rule, the decision must be a DENY naming it.
 */
class ShippedExamplePoliciesTest {
  private static final Instant SEARCH_FROM = Instant.parse("2026-01-01T00:00:00Z");

  /** Per shipped policy: rule conditions checked, and rules seen standing alone between a call and ALLOW. */
  private final Set<String> checked = new HashSet<>();
  private final Set<String> decisive = new HashSet<>();

  @Test
  void noRuleOfAShippedPolicyIsSkippedForAWronglyTypedValue() {
    List<ShippedPolicies.Shipped> shipped = ShippedPolicies.all();
    assertThat(shipped).extracting(ShippedPolicies.Shipped::where)
        .anyMatch(w -> w.endsWith("travel.yaml")).anyMatch(w -> w.contains("policy-format.md"));
    int withConditions = 0;
    for (ShippedPolicies.Shipped s : shipped) {
      for (Rule r : s.policy().rules()) {
        if (r.conditions().isEmpty()) {
          continue;
        }
        withConditions++;
        for (Call call : callsMatching(s.policy(), r)) {
          for (int i = 0; i < r.conditions().size(); i++) {
            check(s, r, i, call);
          }
        }
        for (int i = 0; i < r.conditions().size(); i++) {
          if (settable(r.conditions().get(i).attribute())) {
            assertThat(checked).as("%s: rule '%s' condition %d was never checked", s.where(), r.id(), i)
                .contains(s.where() + "#" + r.id() + "#" + i);
          }
        }
      }
      if (s.policy().rules().stream().anyMatch(r -> !r.conditions().isEmpty())) {
        assertThat(decisive).as("%s: some call is allowed but for one of its rules", s.where())
            .anyMatch(k -> k.startsWith(s.where() + "#"));
      }
    }
    assertThat(withConditions).as("shipped rules with conditions").isGreaterThanOrEqualTo(4);
  }

  private void check(ShippedPolicies.Shipped s, Rule r, int i, Call base) {
    Constraint c = r.conditions().get(i);
    if (!settable(c.attribute())) {
      return; // agent.* and tool.* come from the policy, not from the caller
    }
    for (Object v : mistyped(c)) {
      Request req = with(base.request, c.attribute(), v);
      Call call = new Call(req, base.agent, base.tool, base.risk, base.now);
      boolean othersHold = true;
      for (int j = 0; j < r.conditions().size(); j++) {
        othersHold &= j == i || new Condition(r.conditions().get(j)).evaluate(call) == Condition.TRUE;
      }
      if (!othersHold) {
        continue; // the rule does not apply to this call anyway
      }
      String what = s.where() + ": rule '" + r.id() + "' with " + c.attribute() + " = " + v + " ("
          + v.getClass().getSimpleName() + ") on " + req;
      assertThat(new RuleNode(r).applies(call)).as(what).isEqualTo(100 + i);
      checked.add(s.where() + "#" + r.id() + "#" + i);

      Instant at = Instant.ofEpochMilli(base.now);
      Decision with;
      Decision without;
      try (Remit remit = Remit.builder().policy(s.policy()).clock(new MutableClock(at)).build();
          Remit bare = Remit.builder().policy(withoutRule(s.policy(), r)).clock(new MutableClock(at)).build()) {
        with = remit.authorize(req);
        without = bare.authorize(req);
      }
      assertThat(with.outcome()).as(what + ": " + with.explain()).isNotEqualTo(Outcome.ALLOW);
      if (without.outcome() == Outcome.ALLOW) {
        decisive.add(s.where() + "#" + r.id());
        assertThat(with.outcome()).as(what).isEqualTo(Outcome.DENY);
        assertThat(with.reasons()).as(what + ": " + with.explain()).anyMatch(reason ->
            reason.code() == ReasonCode.ATTRIBUTE_TYPE_MISMATCH
                && reason.message().startsWith("rule '" + r.id() + "' cannot tell whether it applies"));
      }
    }
  }

  /** Values of another type than the condition's literals, each a type mismatch for it. */
  private static List<Object> mistyped(Constraint c) {
    boolean strings = c.values().stream().anyMatch(x -> x instanceof String);
    boolean numbers = c.values().stream().anyMatch(x -> x instanceof Double);
    boolean booleans = c.values().stream().anyMatch(x -> x instanceof Boolean);
    Object lit = c.values().get(0);
    List<Object> out = new ArrayList<>();
    if (!strings) {
      out.add(String.valueOf(lit));
      out.add("0.95");
    }
    if (!numbers) {
      out.add(7L);
      out.add(0.95);
      out.add(Double.NEGATIVE_INFINITY);
      out.add(Double.NaN);
    }
    if (!booleans) {
      out.add(true);
    }
    out.add(List.of(lit));
    out.add(Map.of("value", lit));
    if (numbers) {
      out.add(Double.NEGATIVE_INFINITY);
      out.add(Double.POSITIVE_INFINITY);
      out.add(Double.NaN);
      out.add(Float.NEGATIVE_INFINITY);
    }
    for (Object v : out) {
      assertThat(new Condition(c).test(v)).as("%s with %s", c, v).isEqualTo(Condition.TYPE_MISMATCH);
    }
    return out;
  }

  // ------------------------------------------------------------------ calls a rule's selectors match

  /**
   * Calls the rule's selectors match, from each document grant's scopes (subject, task, a time the
   * grant chain is valid in), the rule's other conditions and the grants' constraints satisfied;
   * plus one call by the first agent that no grant need cover.
   */
  private static List<Call> callsMatching(Policy p, Rule r) {
    List<Call> out = new ArrayList<>();
    for (Grant g : p.grants()) {
      List<Grant> chain = chain(p, g);
      for (Scope sc : g.scopes()) {
        for (Tool t : p.tools()) {
          for (String op : t.operations().keySet()) {
            String resource = resourceFor(sc.resources(), r.resources());
            if (resource == null || !anyMatch(sc.tools(), t.name())
                || !(sc.operations().contains("*") || sc.operations().contains(op)) || !selects(r, t, op)) {
              continue;
            }
            Instant at = validAt(chain, r);
            if (at == null) {
              continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Grant link : chain) {
              link.constraints().forEach(c -> values.put(c.attribute(), satisfying(c)));
              link.scopes().stream().filter(x -> x == sc || anyMatch(x.tools(), t.name()))
                  .forEach(x -> x.constraints().forEach(c -> values.put(c.attribute(), satisfying(c))));
            }
            r.conditions().forEach(c -> values.put(c.attribute(), satisfying(c)));
            out.add(call(p, g.holder(), t, op, resource, g.task(), values, at));
          }
        }
      }
    }
    for (Tool t : p.tools()) {
      for (String op : t.operations().keySet()) {
        String resource = resourceFor(List.of("**"), r.resources());
        Instant at = validAt(List.of(), r);
        if (selects(r, t, op) && resource != null && at != null) {
          Map<String, Object> values = new LinkedHashMap<>();
          r.conditions().forEach(c -> values.put(c.attribute(), satisfying(c)));
          out.add(call(p, p.agents().get(0).id(), t, op, resource, null, values, at));
        }
      }
    }
    assertThat(out).as("calls rule '%s' applies to", r.id()).isNotEmpty();
    return out;
  }

  private static Call call(Policy p, String subject, Tool t, String op, String resource, String task,
      Map<String, Object> values, Instant at) {
    Request req = new Request(subject, t.name(), op, resource, null, Map.of(), Map.of(),
        task == null ? Map.of() : Map.of("task", task));
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (settable(e.getKey()) && e.getValue() != null) {
        req = with(req, e.getKey(), e.getValue());
      }
    }
    return new Call(req, p.agent(subject), t, t.operations().get(op), at.toEpochMilli());
  }

  private static boolean selects(Rule r, Tool t, String op) {
    return (r.risks().isEmpty() || r.risks().contains(t.operations().get(op)))
        && (r.tools().isEmpty() || anyMatch(r.tools(), t.name()))
        && (r.operations().isEmpty() || r.operations().contains(op) || r.operations().contains("*"));
  }

  /** Returns a resource id matching one of {@code scope}'s patterns and of the rule's, if any. */
  private static String resourceFor(List<String> scope, List<String> rule) {
    List<String> candidates = new ArrayList<>();
    scope.forEach(s -> candidates.add(instance(s)));
    rule.forEach(s -> candidates.add(instance(s)));
    for (String id : candidates) {
      if (anyMatch(scope, id) && (rule.isEmpty() || anyMatch(rule, id))) {
        return id;
      }
    }
    return null;
  }

  private static String instance(String pattern) {
    return pattern.replace("**", "x").replace("*", "x");
  }

  private static boolean anyMatch(List<String> patterns, String name) {
    return patterns.stream().anyMatch(p -> Glob.compile(p).matches(name));
  }

  private static List<Grant> chain(Policy p, Grant leaf) {
    List<Grant> chain = new ArrayList<>();
    for (Grant g = leaf; g != null; ) {
      chain.add(0, g);
      String parent = g.parent();
      g = parent == null ? null : p.grants().stream().filter(x -> x.id().equals(parent)).findFirst().orElse(null);
    }
    return chain;
  }

  /** Returns the first half hour at which every grant of the chain and the rule's windows hold. */
  private static Instant validAt(List<Grant> chain, Rule r) {
    Instant from = SEARCH_FROM;
    for (Grant g : chain) {
      if (g.notBefore() != null && g.notBefore().isAfter(from)) {
        from = g.notBefore();
      }
    }
    for (Instant t = from; t.isBefore(from.plus(Duration.ofDays(21))); t = t.plus(Duration.ofMinutes(30))) {
      long ms = t.toEpochMilli();
      boolean ok = (r.during() == null || r.during().contains(ms)) && (r.outside() == null || !r.outside().contains(ms));
      for (Grant g : chain) {
        ok &= t.isBefore(g.expiresAt()) && (g.window() == null || g.window().contains(ms));
      }
      if (ok) {
        return t;
      }
    }
    return null;
  }

  /** A value that satisfies the constraint, or null if there is none simple to find. */
  private static Object satisfying(Constraint c) {
    Object lit = c.values().get(0);
    Object v;
    switch (c.operator()) {
      case EQ, IN, LE, GE -> v = lit;
      case LT -> v = (Double) lit - 1;
      case GT -> v = (Double) lit + 1;
      case NE, NOT_IN -> v = lit instanceof Double ? c.values().stream().mapToDouble(x -> x instanceof Double
          ? Math.abs((Double) x) : 0).sum() + 1 : lit instanceof String ? String.join("-", c.values().stream()
          .map(String::valueOf).toList()) + "-other" : !(Boolean) lit;
      case MATCHES -> v = instance((String) lit);
      default -> v = null;
    }
    return v != null && new Condition(c).test(v) == Condition.TRUE ? v : null;
  }

  private static boolean settable(String attribute) {
    return (attribute.startsWith("args.") || attribute.startsWith("context.") || attribute.startsWith("resource."))
        && !attribute.equals("resource.id") && !attribute.equals("resource.type")
        && !attribute.equals("context.task") && !attribute.equals("context.approval");
  }

  /** Returns {@code r} with the attribute (args, context or a resource property; nested) set to {@code v}. */
  @SuppressWarnings("unchecked")
  private static Request with(Request r, String attribute, Object v) {
    String[] path = attribute.split("\\.");
    Map<String, Object> args = new LinkedHashMap<>(r.args());
    Map<String, Object> props = new LinkedHashMap<>(r.resourceProperties());
    Map<String, Object> context = new LinkedHashMap<>(r.context());
    Map<String, Object> m = path[0].equals("args") ? args : path[0].equals("context") ? context : props;
    for (int i = 1; i < path.length - 1; i++) {
      Object next = m.get(path[i]);
      Map<String, Object> copy = next instanceof Map ? new LinkedHashMap<>((Map<String, Object>) next) : new LinkedHashMap<>();
      m.put(path[i], copy);
      m = copy;
    }
    m.put(path[path.length - 1], v);
    return new Request(r.subject(), r.tool(), r.operation(), r.resource(), r.resourceType(), args, props, context);
  }

  private static Policy withoutRule(Policy p, Rule without) {
    Policy.Builder b = Policy.builder().version(p.version()).maxDelegationDepth(p.maxDelegationDepth());
    p.agents().forEach(b::agent);
    p.principals().forEach(b::principal);
    p.tools().forEach(b::tool);
    p.rules().stream().filter(r -> r != without).forEach(b::rule);
    p.grants().forEach(b::grant);
    return b.build();
  }
}
