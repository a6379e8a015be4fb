package dev.remit.internal.policy;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Problem;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.Tool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.remit.internal.Text;

/** Cross-reference and narrowing checks for policies and grants. */
public final class Validation {
  private Validation() {}

  /**
   * Returns why {@code child} does not fit inside {@code parent}, or null if it does. A sub-grant
   * may only narrow: scopes, constraints, validity, time window, call budget, task and credential.
   *
   * @param childStart the instant the child becomes valid (its notBefore, or issuance time)
   */
  public static String narrowing(Grant child, Grant parent, long childStart) {
    String why = CompiledScope.containment(child.scopes(), child.constraints(), parent.scopes(),
        "parent grant '" + parent.id() + "'");
    if (why != null) {
      return why;
    }
    // every call the child allows goes through one of its scopes with that scope's constraints and
    // the child's grant constraints holding: together they must imply each parent grant constraint
    boolean scoped = child.scopes().stream().anyMatch(sc -> !sc.constraints().isEmpty());
    for (int i = 0; i < child.scopes().size(); i++) {
      Scope sc = child.scopes().get(i);
      Constraint lost = CompiledScope.firstNotImplied(parent.constraints(),
          CompiledScope.conditions(sc.constraints(), child.constraints()));
      if (lost != null) {
        return "it drops or loosens constraint '" + lost + "' of parent grant '" + parent.id() + "'"
            + (scoped ? " for its scope " + i + " " + CompiledScope.describe(sc) : "")
            + " (repeat it or state a stricter one)";
      }
    }
    if (parent.notBefore() != null && childStart < parent.notBefore().toEpochMilli()) {
      return "it would be valid from " + java.time.Instant.ofEpochMilli(childStart) + ", before parent grant '"
          + parent.id() + "' (" + parent.notBefore() + ")";
    }
    if (child.expiresAt().isAfter(parent.expiresAt())) {
      return "it expires at " + child.expiresAt() + ", after parent grant '" + parent.id() + "' ("
          + parent.expiresAt() + ")";
    }
    if (parent.window() != null && (child.window() == null || !child.window().within(parent.window()))) {
      return "its time window " + (child.window() == null ? "(none: always)" : child.window().start() + "–"
          + child.window().end()) + " is not within parent grant '" + parent.id() + "''s window "
          + parent.window().start() + "–" + parent.window().end() + " " + parent.window().zone();
    }
    if (parent.maxCalls() != Grant.UNLIMITED
        && (child.maxCalls() == Grant.UNLIMITED || child.maxCalls() > parent.maxCalls())) {
      return "its call budget " + (child.maxCalls() == Grant.UNLIMITED ? "(unlimited)" : child.maxCalls())
          + " exceeds parent grant '" + parent.id() + "''s " + parent.maxCalls();
    }
    if (parent.task() != null && !parent.task().equals(child.task())) {
      return "parent grant '" + parent.id() + "' is for task '" + parent.task() + "'; the sub-grant must be too";
    }
    CredentialSpec cc = child.credential();
    CredentialSpec pc = parent.credential();
    if (cc != null) {
      if (pc == null) {
        return "it declares a credential but parent grant '" + parent.id() + "' declares none";
      }
      if (!cc.audience().equals(pc.audience()) || !pc.scopes().containsAll(cc.scopes())
          || cc.ttl().compareTo(pc.ttl()) > 0) {
        return "its credential (" + cc.audience() + " " + cc.scopes() + " " + cc.ttl()
            + ") is wider than parent grant '" + parent.id() + "''s (" + pc.audience() + " " + pc.scopes()
            + " " + pc.ttl() + ")";
      }
    }
    if (child.principal() != null && parent.principal() != null && !child.principal().equals(parent.principal())) {
      return "it names principal '" + child.principal() + "' but its chain acts for '" + parent.principal() + "'";
    }
    return null;
  }

  /** Returns why scopes name tools or operations the catalog does not have, or null. */
  public static String catalogProblem(List<Scope> scopes, Collection<Tool> tools) {
    for (int i = 0; i < scopes.size(); i++) {
      String why = scopeCatalogProblem(scopes.get(i), tools);
      if (why != null) {
        return "scope " + i + ": " + why;
      }
    }
    return null;
  }

  private static String scopeCatalogProblem(Scope sc, Collection<Tool> tools) {
    List<Tool> matched = new ArrayList<>();
    for (String t : sc.tools()) {
      Glob g = Glob.compile(t);
      List<Tool> m = new ArrayList<>();
      for (Tool tool : tools) {
        if (g.matches(tool.name())) {
          m.add(tool);
        }
      }
      if (m.isEmpty()) {
        List<String> names = new ArrayList<>();
        tools.forEach(x -> names.add(x.name()));
        String near = Text.closest(t, names);
        return "tool pattern '" + t + "' matches no tool in the catalog"
            + (near == null ? "" : " (did you mean '" + near + "'?)");
      }
      matched.addAll(m);
    }
    for (String op : sc.operations()) {
      if (op.equals("*")) {
        continue;
      }
      boolean found = matched.stream().anyMatch(t -> t.operations().containsKey(op));
      if (!found) {
        Set<String> ops = new java.util.TreeSet<>();
        matched.forEach(t -> ops.addAll(t.operations().keySet()));
        String near = Text.closest(op, ops);
        return "operation '" + op + "' is not an operation of " + sc.tools() + "; they have " + ops
            + (near == null ? "" : " (did you mean '" + near + "'?)");
      }
    }
    return null;
  }

  /**
   * Adds a problem at the exact list entry for every tool pattern or operation in {@code scopes}
   * that the catalog does not have; returns whether there was none.
   */
  private static boolean catalogProblems(List<Scope> scopes, Collection<Tool> tools, String src,
      String base, List<Problem> out) {
    boolean ok = true;
    for (int j = 0; j < scopes.size(); j++) {
      ok &= scopeCatalogProblems(scopes.get(j), tools, src, base + "[" + j + "]", out);
    }
    return ok;
  }

  /** Adds a problem at the exact list entry for every tool pattern or operation of {@code sc} the catalog lacks. */
  static boolean scopeCatalogProblems(Scope sc, Collection<Tool> tools, String src, String at,
      List<Problem> out) {
    List<String> names = new ArrayList<>();
    tools.forEach(x -> names.add(x.name()));
    List<Tool> matched = new ArrayList<>();
    boolean ok = true;
    for (int k = 0; k < sc.tools().size(); k++) {
      String t = sc.tools().get(k);
      Glob g = Glob.compile(t);
      boolean any = false;
      for (Tool tool : tools) {
        if (g.matches(tool.name())) {
          matched.add(tool);
          any = true;
        }
      }
      if (!any) {
        ok = false;
        out.add(new Problem(src, at + ".tools[" + k + "]", (t.indexOf('*') < 0 ? "tool '" : "tool pattern '")
            + t + "' " + (t.indexOf('*') < 0 ? "is not in the catalog" : "matches no tool in the catalog"),
            hint(t, names)));
      }
    }
    if (!ok) {
      return false;
    }
    for (int k = 0; k < sc.operations().size(); k++) {
      String op = sc.operations().get(k);
      if (op.equals("*") || matched.stream().anyMatch(t -> t.operations().containsKey(op))) {
        continue;
      }
      Set<String> ops = new java.util.TreeSet<>();
      matched.forEach(t -> ops.addAll(t.operations().keySet()));
      String near = hint(op, ops);
      out.add(new Problem(src, at + ".operations[" + k + "]", "operation '" + op + "' is not an operation of "
          + String.join(", ", sc.tools()), near != null ? near : "they have " + String.join(", ", ops)));
      ok = false;
    }
    return ok;
  }

  /** Returns every cross-reference problem of a policy, in document order. */
  public static List<Problem> validate(Policy p) {
    String src = p.source();
    List<Problem> out = new ArrayList<>();
    if (p.maxDelegationDepth() < 1 || p.maxDelegationDepth() > 32) {
      out.add(new Problem(src, "settings.max_delegation_depth", "must be between 1 and 32, was "
          + p.maxDelegationDepth(), null));
    }
    Map<String, Agent> agents = new HashMap<>();
    for (int i = 0; i < p.agents().size(); i++) {
      Agent a = p.agents().get(i);
      if (agents.put(a.id(), a) != null) {
        out.add(new Problem(src, "agents[" + i + "].id", "duplicate agent id '" + a.id() + "'", null));
      }
    }
    for (int i = 0; i < p.agents().size(); i++) {
      Agent a = p.agents().get(i);
      if (a.partOf() != null) {
        Agent parent = agents.get(a.partOf());
        if (parent == null) {
          out.add(new Problem(src, "agents[" + i + "].part_of", "agent '" + a.partOf() + "' is not defined",
              hint(a.partOf(), agents.keySet())));
        } else if (parent.partOf() != null) {
          out.add(new Problem(src, "agents[" + i + "].part_of", "'" + a.partOf()
              + "' is itself a component; components belong to top-level agents", null));
        }
      }
    }
    Map<String, Principal> principals = new HashMap<>();
    for (int i = 0; i < p.principals().size(); i++) {
      Principal pr = p.principals().get(i);
      if (principals.put(pr.id(), pr) != null) {
        out.add(new Problem(src, "principals[" + i + "].id", "duplicate principal id '" + pr.id() + "'", null));
      }
      if (agents.containsKey(pr.id())) {
        out.add(new Problem(src, "principals[" + i + "].id", "'" + pr.id() + "' is also an agent id", null));
      }
      catalogProblems(pr.entitlements(), p.tools(), src, "principals[" + i + "].entitlements", out);
    }
    Set<String> toolNames = new HashSet<>();
    for (int i = 0; i < p.tools().size(); i++) {
      if (!toolNames.add(p.tools().get(i).name())) {
        out.add(new Problem(src, "tools[" + i + "].name", "duplicate tool '" + p.tools().get(i).name() + "'", null));
      }
    }
    Set<String> ruleIds = new HashSet<>();
    for (int i = 0; i < p.rules().size(); i++) {
      Rule r = p.rules().get(i);
      if (!ruleIds.add(r.id())) {
        out.add(new Problem(src, "rules[" + i + "].id", "duplicate rule id '" + r.id() + "'", null));
      }
      if (!r.tools().isEmpty()) {
        scopeCatalogProblems(new Scope(r.tools(),
            r.operations().isEmpty() ? List.of("*") : r.operations(), List.of("**")), p.tools(), src,
            "rules[" + i + "]", out);
      }
    }
    Map<String, Grant> grants = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < p.grants().size(); i++) {
      Grant g = p.grants().get(i);
      if (grants.put(g.id(), g) != null) {
        out.add(new Problem(src, "grants[" + i + "].id", "duplicate grant id '" + g.id() + "'", null));
      }
      index.put(g.id(), i);
    }
    for (int i = 0; i < p.grants().size(); i++) {
      Grant g = p.grants().get(i);
      String at = "grants[" + i + "]";
      if (!agents.containsKey(g.holder())) {
        out.add(new Problem(src, at + ".holder", "agent '" + g.holder() + "' is not defined",
            hint(g.holder(), agents.keySet())));
      }
      boolean inCatalog = catalogProblems(g.scopes(), p.tools(), src, at + ".scopes", out);
      String why;
      if (g.parent() == null) {
        Principal pr = principals.get(g.principal());
        if (pr == null) {
          out.add(new Problem(src, at + ".principal", "principal '" + g.principal() + "' is not defined",
              hint(g.principal(), principals.keySet())));
        } else if (inCatalog) {
          // with unknown tools or operations, containment would only echo the problems above
          why = CompiledScope.containment(g.scopes(), g.constraints(), pr.entitlements(),
              "the entitlements of principal '" + pr.id() + "'");
          if (why != null) {
            out.add(new Problem(src, at + ".scopes", why, null));
          }
        }
        continue;
      }
      Grant parent = grants.get(g.parent());
      if (parent == null) {
        out.add(new Problem(src, at + ".parent", "grant '" + g.parent() + "' is not defined",
            hint(g.parent(), grants.keySet())));
        continue;
      }
      int depth = 1;
      Set<String> seen = new HashSet<>();
      seen.add(g.id());
      Grant cur = g;
      boolean cycle = false;
      while (cur.parent() != null) {
        Grant up = grants.get(cur.parent());
        if (up == null) {
          break;
        }
        if (!seen.add(up.id())) {
          cycle = true;
          break;
        }
        depth++;
        cur = up;
      }
      if (cycle) {
        out.add(new Problem(src, at + ".parent", "grant '" + g.id() + "' is part of a delegation cycle", null));
        continue;
      }
      if (depth > p.maxDelegationDepth()) {
        out.add(new Problem(src, at + ".parent", "the delegation chain is " + depth
            + " grants deep; the maximum is " + p.maxDelegationDepth(), null));
      }
      if (g.principal() != null && cur.principal() != null && !g.principal().equals(cur.principal())) {
        out.add(new Problem(src, at + ".principal", "the chain acts for '" + cur.principal()
            + "', not '" + g.principal() + "'", "leave principal out of sub-grants"));
      }
      long start = g.notBefore() == null ? Long.MIN_VALUE : g.notBefore().toEpochMilli();
      why = inCatalog ? narrowing(g, parent, start) : null;
      if (why != null) {
        out.add(new Problem(src, at, "sub-grant '" + g.id() + "' exceeds its parent: " + why, null));
      }
    }
    return out;
  }

  private static String hint(String name, Collection<String> known) {
    String near = Text.closest(name, known);
    return near == null ? null : "did you mean '" + near + "'?";
  }
}
