package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Rule;
import dev.remit.Tool;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.state.GrantNode;
import dev.remit.spi.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy document in force, compiled, with the indexes decisions and changes need. Immutable
 * (but for the grants' revocation and expiry flags) and replaced whole by a swap, so a decision
 * sees one version. Runtime changes (lifecycle, entitlement restrictions, grants issued at
 * runtime) live in the {@link dev.remit.internal.state.RuntimeState} beside it.
 */
public final class Snapshot {
  private static final GrantNode[] NONE = new GrantNode[0];

  /** The document grants one holder holds: with no task, and by task. */
  public static final class Held {
    public final GrantNode[] noTask;
    public final Map<String, GrantNode[]> byTask;

    Held(GrantNode[] noTask, Map<String, GrantNode[]> byTask) {
      this.noTask = noTask;
      this.byTask = byTask;
    }

    /** Returns the grants for {@code task} (null: no task), never null. */
    public GrantNode[] forTask(String task) {
      if (task == null) {
        return noTask;
      }
      GrantNode[] g = byTask.get(task);
      return g == null ? NONE : g;
    }
  }

  public final Policy policy;
  public final int maxDepth;
  public final Map<String, Agent> agents;
  /** Components of each top-level agent. */
  public final Map<String, List<String>> components;
  public final Map<String, Principal> principals;
  public final Map<String, CompiledScope[]> entitlements;
  public final Map<String, Tool> tools;
  public final RuleNode[] forbids;
  public final RuleNode[] approvals;
  public final Map<String, GrantNode> docGrants;
  public final Map<String, Held> docByHolder;
  /** Document sub-grants by parent id. */
  public final Map<String, List<GrantNode>> docChildren;
  /** Holders of document grants, by the principal their chain acts for. */
  public final Map<String, Set<String>> docHoldersByPrincipal;

  /**
   * Compiles {@code policy}; document grants with a call budget take their counter from
   * {@code store} by grant id, so a budget survives swaps; grants revoked at runtime are marked.
   */
  Snapshot(Policy policy, StateStore store, java.util.function.Predicate<String> revoked) {
    this.policy = policy;
    this.maxDepth = policy.maxDelegationDepth();
    Map<String, Agent> a = new HashMap<>();
    Map<String, List<String>> comps = new HashMap<>();
    for (Agent agent : policy.agents()) {
      a.put(agent.id(), agent);
      if (agent.partOf() != null) {
        comps.computeIfAbsent(agent.partOf(), k -> new ArrayList<>()).add(agent.id());
      }
    }
    this.agents = Map.copyOf(a);
    this.components = Map.copyOf(comps);
    Map<String, Principal> p = new HashMap<>();
    Map<String, CompiledScope[]> e = new HashMap<>();
    for (Principal pr : policy.principals()) {
      p.put(pr.id(), pr);
      e.put(pr.id(), CompiledScope.compile(pr.entitlements()));
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

    Map<String, Grant> byId = new HashMap<>();
    for (Grant g : policy.grants()) {
      byId.put(g.id(), g);
    }
    Map<String, GrantNode> doc = new HashMap<>();
    Map<String, List<GrantNode>> kids = new HashMap<>();
    Map<String, Set<String>> holdersOf = new HashMap<>();
    for (Grant g : policy.grants()) {
      String principal = g.principal();
      String issuedBy = g.principal();
      if (g.parent() != null) {
        // a valid document has no cycle and no chain deeper than 32; the bound only guards the walk
        Grant root = g;
        for (int guard = 0; root.parent() != null && guard < 64; guard++) {
          Grant up = byId.get(root.parent());
          if (up == null) {
            break;
          }
          root = up;
        }
        principal = root.principal();
        Grant parent = byId.get(g.parent());
        issuedBy = parent == null ? "?" : parent.holder();
      }
      String pid = principal == null ? "?" : principal;
      Grant stored = g.principal() == null && principal != null ? Engine.withPrincipal(g, principal) : g;
      StateStore.Counter budget = g.maxCalls() == Grant.UNLIMITED ? null
          : store.counter(Engine.budgetKey(g.id()), g.expiresAt());
      GrantNode node = new GrantNode(stored, pid, issuedBy, budget, true, 0, 0);
      if (revoked.test(g.id())) {
        node.markRevoked();
      }
      doc.put(g.id(), node);
      if (g.parent() != null) {
        kids.computeIfAbsent(g.parent(), k -> new ArrayList<>()).add(node);
      }
      holdersOf.computeIfAbsent(pid, k -> new LinkedHashSet<>()).add(g.holder());
    }
    this.docGrants = Map.copyOf(doc);
    this.docChildren = Map.copyOf(kids);
    Map<String, Set<String>> ho = new HashMap<>();
    holdersOf.forEach((k, v) -> ho.put(k, Set.copyOf(v)));
    this.docHoldersByPrincipal = Map.copyOf(ho);

    Map<String, Map<String, List<GrantNode>>> by = new HashMap<>();
    for (GrantNode g : doc.values()) {
      by.computeIfAbsent(g.holder, k -> new HashMap<>()).computeIfAbsent(g.task == null ? "" : g.task,
          k -> new ArrayList<>()).add(g);
    }
    Map<String, Held> held = new HashMap<>();
    by.forEach((holder, tasks) -> {
      GrantNode[] none = NONE;
      Map<String, GrantNode[]> byTask = new HashMap<>();
      for (Map.Entry<String, List<GrantNode>> te : tasks.entrySet()) {
        List<GrantNode> v = te.getValue();
        v.sort((x, y) -> x.id.compareTo(y.id));
        GrantNode[] arr = v.toArray(NONE);
        if (te.getKey().isEmpty()) {
          none = arr;
        } else {
          byTask.put(te.getKey(), arr);
        }
      }
      held.put(holder, new Held(none, Map.copyOf(byTask)));
    });
    this.docByHolder = Map.copyOf(held);
  }

  /** Returns the document grants {@code holder} holds for {@code task} (null: no task), never null. */
  public GrantNode[] docGrants(String holder, String task) {
    Held h = docByHolder.get(holder);
    return h == null ? NONE : h.forTask(task);
  }

  /** Returns every document grant {@code holder} holds, whatever its task. */
  public List<GrantNode> docHeldBy(String holder) {
    Held h = docByHolder.get(holder);
    if (h == null) {
      return List.of();
    }
    List<GrantNode> out = new ArrayList<>(List.of(h.noTask));
    h.byTask.values().forEach(arr -> out.addAll(List.of(arr)));
    return out;
  }

  /** Returns the instant of an epoch-millisecond time (for messages). */
  static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
