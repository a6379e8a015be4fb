package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.Tool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.state.GrantNode;

/**
 * Immutable view of everything but runtime-issued grants: the policy in force with runtime
 * lifecycle and entitlement changes applied, compiled. Replaced whole (one volatile write) by
 * every change to any of it, so a decision sees one consistent version.
 */
public final class Snapshot {
  public final Policy policy;
  public final int maxDepth;
  public final Map<String, Agent> agents;
  public final Map<String, Principal> principals;
  public final Map<String, CompiledScope[]> entitlements;
  public final Map<String, Tool> tools;
  public final RuleNode[] forbids;
  public final RuleNode[] approvals;
  public final Map<String, GrantNode> docGrants;
  public final Map<String, GrantNode[]> docByHolder;

  Snapshot(Policy policy, Map<String, AgentState> agentOverrides,
      Map<String, List<Scope>> entitlementOverrides, Map<String, GrantNode> docGrants) {
    this.policy = policy;
    this.maxDepth = policy.maxDelegationDepth();
    Map<String, Agent> a = new HashMap<>();
    for (Agent agent : policy.agents()) {
      AgentState o = agentOverrides.get(agent.id());
      a.put(agent.id(), o == null || o.ordinal() <= agent.state().ordinal() ? agent : agent.withState(o));
    }
    this.agents = Map.copyOf(a);
    Map<String, Principal> p = new HashMap<>();
    Map<String, CompiledScope[]> e = new HashMap<>();
    for (Principal pr : policy.principals()) {
      List<Scope> o = entitlementOverrides.get(pr.id());
      Principal eff = o == null ? pr : pr.withEntitlements(o);
      p.put(pr.id(), eff);
      e.put(pr.id(), CompiledScope.compile(eff.entitlements()));
    }
    this.principals = Map.copyOf(p);
    this.entitlements = Map.copyOf(e);
    Map<String, Tool> t = new HashMap<>();
    for (Tool tool : policy.tools()) {
      t.put(tool.name(), tool);
    }
    this.tools = Map.copyOf(t);
    List<RuleNode> f = new ArrayList<>();
    List<RuleNode> ap = new ArrayList<>();
    for (Rule r : policy.rules()) {
      (r.effect() == Rule.Effect.FORBID ? f : ap).add(new RuleNode(r));
    }
    this.forbids = f.toArray(new RuleNode[0]);
    this.approvals = ap.toArray(new RuleNode[0]);
    this.docGrants = Map.copyOf(docGrants);
    Map<String, List<GrantNode>> by = new HashMap<>();
    for (GrantNode g : docGrants.values()) {
      by.computeIfAbsent(g.holder, k -> new ArrayList<>()).add(g);
    }
    Map<String, GrantNode[]> byArr = new HashMap<>();
    by.forEach((k, v) -> {
      v.sort((x, y) -> x.id.compareTo(y.id));
      byArr.put(k, v.toArray(new GrantNode[0]));
    });
    this.docByHolder = Map.copyOf(byArr);
  }

  /** Returns whether {@code agentId} and the agent it is part of are active; else the state. */
  public AgentState effectiveState(Agent agent) {
    if (agent.state() != AgentState.ACTIVE) {
      return agent.state();
    }
    if (agent.partOf() != null) {
      Agent parent = agents.get(agent.partOf());
      if (parent == null) {
        return AgentState.REVOKED;
      }
      return parent.state();
    }
    return AgentState.ACTIVE;
  }
}
