package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Grant;
import dev.remit.Principal;
import dev.remit.internal.Text;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Validation;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.state.RuntimeState;
import java.util.Collection;
import java.util.Locale;

/**
 * The checks a grant must pass to be issued at runtime. A root grant is issued for its principal
 * and must fit the principal's current entitlements; a sub-grant is delegated by an identity,
 * which must be the active holder of the parent grant, and must narrow the parent (and still fit
 * the chain's principal). Each check walks at most the maximum delegation depth.
 */
final class Issuance {
  /** Suggestions ("did you mean") are only looked for among this many candidates. */
  static final int MAX_SUGGESTION_CANDIDATES = 256;

  private Issuance() {}

  /** Returns why a root grant cannot be issued, or null. */
  static String rootProblem(Grant g, Snapshot s, Engine e, long now) {
    String why = common(g, s, e, now);
    if (why != null) {
      return why;
    }
    Principal p = s.principals.get(g.principal());
    if (p == null) {
      return "principal '" + g.principal() + "' is not known" + suggestion(g.principal(), s.principals.keySet());
    }
    return entitlements(g, p, e.state, "the entitlements of principal '" + p.id() + "'");
  }

  /**
   * Returns why {@code delegator} cannot delegate sub-grant {@code g} under {@code parent}, or null.
   */
  static String subProblem(Grant g, GrantNode parent, String delegator, Snapshot s, Engine e, long now) {
    String why = common(g, s, e, now);
    if (why != null) {
      return why;
    }
    if (parent == null) {
      RuntimeState.Retired r = e.state.retired(g.parent());
      if (r == null) {
        return "parent grant '" + g.parent() + "' does not exist";
      }
      if (r.revokedVia() == null) {
        return "parent grant '" + g.parent() + "' has expired";
      }
      return "parent grant '" + g.parent() + "' is revoked" + (r.revokedVia().equals(g.parent()) ? ""
          : ": grant '" + r.revokedVia() + "' above it in the chain is revoked");
    }
    Agent d = s.agents.get(delegator);
    if (d == null) {
      return "delegator '" + delegator + "' is not a known agent or component";
    }
    if (!parent.holder.equals(delegator)) {
      return "'" + delegator + "' does not hold parent grant '" + parent.id
          + "'; only the holder of a grant may delegate it";
    }
    AgentState ds = e.effectiveState(s, d);
    if (ds != AgentState.ACTIVE) {
      return "'" + delegator + "', the holder of parent grant '" + parent.id + "', is not active ("
          + ds.name().toLowerCase(Locale.ROOT) + ")";
    }
    if (parent.revoked()) {
      return "parent grant '" + parent.id + "' is revoked";
    }
    if (parent.expiredAt(now)) {
      return "parent grant '" + parent.id + "' has expired";
    }
    int depth = 1;
    for (GrantNode p = parent; p != null; p = p.parentId == null ? null : e.find(s, p.parentId)) {
      depth++;
      if (depth > s.maxDepth) {
        return "the chain would be " + depth + " grants deep; the maximum is " + s.maxDepth;
      }
      if (p.revoked()) {
        return "grant '" + p.id + "' above it in the chain is revoked";
      }
      GrantNode up = p.parentId == null ? null : e.find(s, p.parentId);
      if (p.parentId != null && up == null) {
        // a swap removed an ancestor: nothing below it can ever be allowed, and reusing the
        // missing id for this grant would close a cycle
        return "grant '" + p.id + "' above it in the chain names parent '" + p.parentId
            + "', which no longer exists";
      }
      // a swap re-held or re-bound an ancestor: the chain is broken for good (as every decision
      // below it would say), so nothing is delegated below it either
      if (up != null && !up.holder.equals(p.issuedBy)) {
        return "grant '" + p.id + "' above it in the chain was issued by '" + p.issuedBy
            + "' but its parent '" + up.id + "' is held by '" + up.holder + "'";
      }
      if (up != null && !up.principal.equals(p.principal)) {
        return "grant '" + p.id + "' above it in the chain was issued acting for '" + p.principal
            + "' but its parent '" + up.id + "' now acts for '" + up.principal + "'";
      }
    }
    if (g.principal() != null && !g.principal().equals(parent.principal)) {
      return "it names principal '" + g.principal() + "' but its chain acts for '" + parent.principal + "'";
    }
    long start = g.notBefore() == null ? now : g.notBefore().toEpochMilli();
    why = Validation.narrowing(g, parent.grant, start);
    if (why != null) {
      return why;
    }
    Principal p = s.principals.get(parent.principal);
    if (p == null) {
      return "principal '" + parent.principal + "' behind parent grant '" + parent.id + "' is not known";
    }
    return entitlements(g, p, e.state, "the current entitlements of principal '" + p.id() + "'");
  }

  private static String common(Grant g, Snapshot s, Engine e, long now) {
    String why = Validation.catalogProblem(g.scopes(), s.tools.values());
    if (why != null) {
      return why;
    }
    Agent holder = s.agents.get(g.holder());
    if (holder == null) {
      return "holder '" + g.holder() + "' is not a known agent or component" + suggestion(g.holder(), s.agents.keySet());
    }
    AgentState hs = e.effectiveState(s, holder);
    if (hs != AgentState.ACTIVE) {
      return "holder '" + g.holder() + "' is " + hs.name().toLowerCase(Locale.ROOT);
    }
    if (g.expiresAt().toEpochMilli() <= now) {
      return "it expires at " + g.expiresAt() + ", which has passed";
    }
    return null;
  }

  /** The grant must fit the principal's document entitlements and its runtime restriction, if any. */
  private static String entitlements(Grant g, Principal p, RuntimeState state, String name) {
    String why = CompiledScope.containment(g.scopes(), g.constraints(), p.entitlements(), name);
    if (why != null) {
      return why;
    }
    RuntimeState.Restriction r = state.restriction(p.id());
    return r == null ? null : CompiledScope.containment(g.scopes(), g.constraints(), r.scopes(),
        name + " (as restricted at runtime)");
  }

  /** Returns " (did you mean 'x'?)" when a close name exists among few candidates, else "". */
  static String suggestion(String name, Collection<String> known) {
    if (known.size() > MAX_SUGGESTION_CANDIDATES || name.length() > 64) {
      return "";
    }
    String near = Text.closest(name, known);
    return near == null ? "" : " (did you mean '" + near + "'?)";
  }
}
