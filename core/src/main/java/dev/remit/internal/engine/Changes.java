package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Approval;
import dev.remit.Decision;
import dev.remit.Grant;
import dev.remit.GrantRefusedException;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Principal;
import dev.remit.Problem;
import dev.remit.Request;
import dev.remit.Scope;
import dev.remit.internal.policy.Validation;
import dev.remit.internal.state.GrantNode;
import dev.remit.spi.StateChange;
import dev.remit.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every change of the engine's runtime state: issuing and delegating grants, revoking them,
 * lifecycle, entitlement restrictions, approvals, policy swaps, and applying changes other
 * instances appended to a shared store. Each runs under the engine's lock: it catches up with the
 * store's feed, takes expired grants out, validates, appends to the store, applies, and — after
 * the lock is released — tells {@link Events}.
 */
public final class Changes {
  private static final int MAX_RETRIES = 32;
  private static final int CATCH_UP_PAGE = 1024;
  /** Most expired grants a change takes out of the indexes before it runs (the rest go later). */
  private static final int CHANGE_SWEEP_BATCH = 1024;

  private final Engine e;

  Changes(Engine engine) {
    this.e = engine;
  }

  /** Another instance appended first: catch up and decide again. */
  private static final class Conflict extends RuntimeException {
    Conflict() {
      super(null, null, false, false);
    }
  }

  private static final Conflict CONFLICT = new Conflict();

  @FunctionalInterface
  private interface Op<T> {
    T run(long now, List<Runnable> after);
  }

  private <T> T change(Op<T> op) {
    List<Runnable> after = new ArrayList<>(2);
    try {
      e.lock.lock();
      try {
        for (int attempt = 0; ; attempt++) {
          catchUp();
          long now = e.clock.millis();
          sweep(now, CHANGE_SWEEP_BATCH, after);
          try {
            return op.run(now, after);
          } catch (Conflict c) {
            if (attempt >= MAX_RETRIES) {
              throw new IllegalStateException("the state store kept moving on under this change ("
                  + MAX_RETRIES + " attempts); try again");
            }
            after.clear();
          }
        }
      } finally {
        e.lock.unlock();
      }
    } finally {
      for (Runnable r : after) {
        try {
          r.run();
        } catch (Throwable t) {
          Engine.LOG.warn("could not record a change of authority", t);
        }
      }
    }
  }

  private long append(StateChange c) {
    long seq = e.store.append(e.applied, c);
    if (seq < 0) {
      throw CONFLICT;
    }
    if (seq != e.applied + 1) {
      throw new IllegalStateException("the state store numbered a change " + seq + " after " + e.applied);
    }
    return seq;
  }

  // ---------------------------------------------------------------- catching up, expiry

  /**
   * Applies the changes others appended since the last one applied here (lock held). If that fails
   * (the store's feed no longer keeps them, the store is down), this instance stays marked as
   * behind, so every later decision tries again and fails closed instead of deciding on the state
   * it has.
   */
  void catchUp() {
    e.takeRemotePending();
    try {
      while (e.store.head() > e.applied) {
        for (StateStore.Entry en : e.store.since(e.applied, CATCH_UP_PAGE)) {
          apply(en.seq(), en.change());
        }
      }
    } catch (RuntimeException | Error ex) {
      e.markRemotePending();
      throw ex;
    }
  }

  /** Sweeps expired grants from a deciding thread, if the lock is free (never waits). */
  void trySweep(long now) {
    if (!e.lock.tryLock()) {
      return;
    }
    List<Runnable> after = new ArrayList<>(1);
    try {
      sweep(now, Engine.SWEEP_BATCH, after);
    } finally {
      e.lock.unlock();
    }
    after.forEach(Runnable::run);
  }

  private void sweep(long now, int max, List<Runnable> after) {
    if (now < e.state.nextExpiry()) {
      e.approvals.expire(now);
      return;
    }
    List<GrantNode> gone = e.state.expire(now, max);
    if (!gone.isEmpty()) {
      for (GrantNode g : gone) {
        e.state.bump(g.holder);
      }
      Instant at = e.instant(now);
      after.add(() -> {
        for (GrantNode g : gone) {
          e.events.expired(at, g.id, g.grant.expiresAt());
        }
      });
    }
    e.approvals.expire(now);
    e.store.expire(e.instant(now));
  }

  // ---------------------------------------------------------------- applying changes

  /** Applies one change of the feed (local or from another instance); lock held. */
  void apply(long seq, StateChange c) {
    if (c instanceof StateChange.GrantIssued) {
      applyIssued(seq, (StateChange.GrantIssued) c);
    } else if (c instanceof StateChange.GrantRevoked) {
      applyRevoked((StateChange.GrantRevoked) c);
    } else if (c instanceof StateChange.AgentStateChanged) {
      StateChange.AgentStateChanged a = (StateChange.AgentStateChanged) c;
      e.state.setOverride(a.agentId(), a.state() == AgentState.ACTIVE ? null : a.state());
      bumpAll(touchedBy(a.agentId()));
    } else if (c instanceof StateChange.EntitlementsChanged) {
      StateChange.EntitlementsChanged en = (StateChange.EntitlementsChanged) c;
      if (en.entitlements() != null) {
        e.addRuntimeAttributes(new dev.remit.internal.policy.Condition[0],
            dev.remit.internal.policy.CompiledScope.compile(en.entitlements()));
      }
      e.state.restrict(en.principalId(), en.entitlements());
      Set<String> holders = new LinkedHashSet<>(e.snapshot.docHoldersByPrincipal.getOrDefault(en.principalId(), Set.of()));
      for (GrantNode g : e.state.actingFor(en.principalId())) {
        holders.add(g.holder);
      }
      bumpAll(holders);
    } else if (c instanceof StateChange.ApprovalGranted) {
      Approval a = ((StateChange.ApprovalGranted) c).approval();
      e.approvals.add(new Approvals.Entry(a, e.store.counter(Approvals.counterKey(a.id()), a.expiresAt())));
    } else if (c instanceof StateChange.BudgetUsed) {
      StateChange.BudgetUsed b = (StateChange.BudgetUsed) c;
      e.store.counter(b.key(), b.keepUntil()).restore(b.used());
    }
    e.applied = seq;
  }

  private GrantNode applyIssued(long seq, StateChange.GrantIssued c) {
    Grant g = c.grant();
    if (e.state.idTaken(g.id()) || e.snapshot.docGrants.containsKey(g.id())) {
      Engine.LOG.warn("change {} issues grant {}, whose id is taken here; skipped", seq, g.id());
      return null;
    }
    StateStore.Counter budget = g.maxCalls() == Grant.UNLIMITED ? null
        : e.store.counter(Engine.budgetKey(g.id()), g.expiresAt());
    GrantNode node = new GrantNode(g, c.principal(), c.issuedBy(), budget, false, seq, c.time().toEpochMilli());
    // the attributes its constraints read go into the cache key layout before the grant can be seen
    e.addRuntimeAttributes(node);
    e.state.add(node);
    e.state.bump(g.holder());
    return node;
  }

  /** Revokes a grant and cuts off everything below it; returns the ids cut off, the grant first. */
  private List<String> applyRevoked(StateChange.GrantRevoked c) {
    Snapshot s = e.snapshot;
    List<String> cut = new ArrayList<>();
    Set<String> holders = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> stack = new ArrayDeque<>();
    stack.push(c.grantId());
    while (!stack.isEmpty()) {
      String id = stack.pop();
      if (!seen.add(id)) {
        continue;
      }
      cut.add(id);
      GrantNode n = e.find(s, id);
      List<String> kids = childIds(s, id);
      if (n != null) {
        n.markRevoked(c.grantId());
        holders.add(n.holder);
        if (n.fromDocument) {
          e.state.revokeDocGrant(id);
        } else {
          e.state.end(n);
        }
      } else if (id.equals(c.grantId())) {
        e.state.revokeDocGrant(id); // a document grant not in this policy, revoked elsewhere
      }
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(kids.get(i)); // depth first, children in id order
      }
    }
    bumpAll(holders);
    return cut;
  }

  private List<String> childIds(Snapshot s, String id) {
    List<String> kids = new ArrayList<>();
    for (GrantNode k : s.docChildren.getOrDefault(id, List.of())) {
      kids.add(k.id);
    }
    for (GrantNode k : e.state.children(id)) {
      kids.add(k.id);
    }
    kids.sort(null);
    return kids;
  }

  /** Returns the agents whose decisions a lifecycle change of {@code agentId} may change. */
  private Set<String> touchedBy(String agentId) {
    Snapshot s = e.snapshot;
    Set<String> agents = new LinkedHashSet<>();
    agents.add(agentId);
    agents.addAll(s.components.getOrDefault(agentId, List.of()));
    Set<String> out = new LinkedHashSet<>(agents);
    Set<String> seen = new HashSet<>();
    ArrayDeque<GrantNode> todo = new ArrayDeque<>();
    for (String a : agents) {
      todo.addAll(s.docHeldBy(a));
      todo.addAll(e.state.heldBy(a));
    }
    while (!todo.isEmpty()) {
      GrantNode g = todo.poll();
      if (!seen.add(g.id)) {
        continue;
      }
      out.add(g.holder);
      todo.addAll(s.docChildren.getOrDefault(g.id, List.of()));
      todo.addAll(e.state.children(g.id));
    }
    return out;
  }

  private void bumpAll(Set<String> agents) {
    for (String a : agents) {
      e.state.bump(a);
    }
  }

  // ---------------------------------------------------------------- grants

  /** Issues a root grant for its principal; returns it as stored. */
  public Grant issue(Grant g) {
    if (g.parent() != null) {
      Instant at = e.clock.instant();
      String why = "a sub-grant is delegated by the holder of its parent grant: use delegate(delegator, grant)";
      e.events.refused(at, g, "host", why);
      throw new GrantRefusedException(g.id(), why);
    }
    return change((now, after) -> {
      Snapshot s = e.snapshot;
      String why = e.state.idTaken(g.id()) || s.docGrants.containsKey(g.id())
          ? "a grant with this id exists or existed" : Issuance.rootProblem(g, s, e, now);
      if (why != null) {
        throw refuse(g, g.principal(), why, now, after);
      }
      Instant at = e.instant(now);
      StateChange.GrantIssued c = Engine.issued(at, g, g.principal(), g.principal());
      long seq = append(c);
      apply(seq, c);
      after.add(() -> e.events.issued(seq, at, g, g.principal(), g.principal()));
      return g;
    });
  }

  /**
   * Issues sub-grant {@code g}, delegated by {@code delegator}, which must be the active holder of
   * its parent; returns it as stored (with its chain's principal).
   */
  public Grant delegate(String delegator, Grant g) {
    if (g.parent() == null) {
      String why = "a root grant is issued for its principal with issue(grant), not delegated";
      e.events.refused(e.clock.instant(), g, delegator, why);
      throw new GrantRefusedException(g.id(), why);
    }
    return change((now, after) -> {
      Snapshot s = e.snapshot;
      GrantNode parent = e.find(s, g.parent());
      String why = e.state.idTaken(g.id()) || s.docGrants.containsKey(g.id())
          ? "a grant with this id exists or existed" : Issuance.subProblem(g, parent, delegator, s, e, now);
      if (why != null) {
        throw refuse(g, delegator, why, now, after);
      }
      Grant stored = g.principal() == null ? Engine.withPrincipal(g, parent.principal) : g;
      Instant at = e.instant(now);
      StateChange.GrantIssued c = Engine.issued(at, stored, parent.principal, delegator);
      long seq = append(c);
      apply(seq, c);
      after.add(() -> e.events.issued(seq, at, stored, parent.principal, delegator));
      return stored;
    });
  }

  /** Returns the exception refusing {@code g}; the refusal is recorded once the lock is released. */
  private GrantRefusedException refuse(Grant g, String actor, String why, long now, List<Runnable> after) {
    Instant at = e.instant(now);
    after.add(() -> e.events.refused(at, g, actor, why)); // a refused widening is authority asked for
    return new GrantRefusedException(g.id(), why);
  }

  /** Revokes a grant; its sub-grants lose their authority with it. Returns the ids cut off, the grant first. */
  public List<String> revokeGrant(String id, String actor) {
    return change((now, after) -> {
      if (e.find(e.snapshot, id) == null) {
        if (e.state.idTaken(id)) {
          return List.of(id); // revoked or expired already: nothing changes, and a kill switch never fails
        }
        throw new IllegalArgumentException("no grant '" + id + "'");
      }
      Instant at = e.instant(now);
      StateChange.GrantRevoked c = new StateChange.GrantRevoked(at, id, actor);
      long seq = append(c);
      List<String> cut = applyRevoked(c);
      e.applied = seq;
      after.add(() -> e.events.revoked(seq, at, id, actor, cut));
      return cut;
    });
  }

  // ---------------------------------------------------------------- agents, principals

  /** Sets an agent's lifecycle state; a revoked agent stays revoked. */
  public void setAgentState(String agentId, AgentState target, String actor) {
    change((now, after) -> {
      Snapshot s = e.snapshot;
      Agent a = s.agents.get(agentId);
      if (a == null) {
        throw new IllegalArgumentException("no agent '" + agentId + "'" + Issuance.suggestion(agentId, s.agents.keySet()));
      }
      AgentState current = e.ownState(a);
      if (current == AgentState.REVOKED) {
        if (target != AgentState.REVOKED) {
          throw new IllegalStateException("agent '" + agentId + "' is revoked; it cannot be "
              + target.name().toLowerCase(Locale.ROOT));
        }
        return null;
      }
      if (target == AgentState.ACTIVE && a.state() != AgentState.ACTIVE) {
        throw new IllegalStateException("agent '" + agentId + "' is " + a.state()
            + " in the policy document; change the document to activate it");
      }
      Instant at = e.instant(now);
      StateChange.AgentStateChanged c = new StateChange.AgentStateChanged(at, agentId, target, actor);
      long seq = append(c);
      apply(seq, c);
      after.add(() -> e.events.agentState(seq, at, agentId, target, actor));
      return null;
    });
  }

  /**
   * Restricts a principal's entitlements at runtime (a call must fit these and the document's), or
   * lifts the restriction ({@code entitlements} null).
   */
  public void restrictEntitlements(String principalId, List<Scope> entitlements, String actor) {
    change((now, after) -> {
      Snapshot s = e.snapshot;
      if (!s.principals.containsKey(principalId)) {
        throw new IllegalArgumentException("no principal '" + principalId + "'"
            + Issuance.suggestion(principalId, s.principals.keySet()));
      }
      if (entitlements != null) {
        String why = Validation.catalogProblem(entitlements, s.tools.values());
        if (why != null) {
          throw new IllegalArgumentException("entitlements of '" + principalId + "': " + why);
        }
      }
      Instant at = e.instant(now);
      StateChange.EntitlementsChanged c = new StateChange.EntitlementsChanged(at, principalId, entitlements, actor);
      long seq = append(c);
      apply(seq, c);
      List<Scope> copy = c.entitlements();
      after.add(() -> e.events.entitlements(seq, at, principalId, copy, actor));
      return null;
    });
  }

  // ---------------------------------------------------------------- approvals

  /** Issues an approval of exactly this call by {@code approver} in {@code role}; see {@link dev.remit.Remit#approve}. */
  public Approval approve(Request r, String approver, String role, Duration ttl, int uses) {
    e.sync(); // the dry run below must see what other instances sharing the store changed
    Snapshot s = e.snapshot;
    Principal p = s.principals.get(approver);
    if (p == null) {
      throw new IllegalArgumentException("approver '" + approver + "' is not a known principal");
    }
    if (p.kind() != Principal.Kind.HUMAN) {
      throw new IllegalArgumentException("approver '" + approver + "' is not a human principal");
    }
    if (!p.roles().contains(role)) {
      throw new IllegalArgumentException("approver '" + approver + "' does not hold role '" + role + "'");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("approval ttl must be positive, was " + ttl);
    }
    long now = e.clock.millis();
    Engine.Trace t = new Engine.Trace();
    t.reset();
    Decision shape = e.evaluator.checkShape(r, s, now, e.applied);
    if (shape != null) {
      throw new IllegalArgumentException("cannot approve a malformed request: " + shape.reasons().get(0).message());
    }
    Decision dry = e.evaluator.evaluate(r, s, now, e.applied, t, true);
    if (dry.outcome() == Outcome.DENY) {
      throw new IllegalStateException("this call is denied (" + dry.codes() + ": " + dry.reasons().get(0).message()
          + "); there is nothing to approve");
    }
    List<Approvals.Requirement> needed = t.requirements;
    if (needed == null) {
      throw new IllegalStateException("no require-approval rule applies to this call; nothing to approve");
    }
    Map<String, String> bound = new TreeMap<>();
    Set<String> roles = new LinkedHashSet<>();
    Call call = new Call(r, s.agents.get(r.subject()), s.tools.get(r.tool()),
        s.tools.get(r.tool()).operations().get(r.operation()), now);
    for (Approvals.Requirement req : needed) {
      roles.add(req.role());
      if (req.role().equals(role)) {
        try {
          bound.putAll(Approvals.bindings(req, call));
        } catch (IllegalStateException unreadable) {
          throw new IllegalArgumentException("cannot approve this call: " + unreadable.getMessage());
        }
      }
    }
    if (bound.isEmpty()) {
      if (needed.size() == 1) {
        throw new IllegalArgumentException(Approvals.describe(needed.get(0)) + " needs role '" + needed.get(0).role()
            + "', not '" + role + "'");
      }
      throw new IllegalArgumentException("nothing this call needs approved asks for role '" + role + "'; it needs roles "
          + roles);
    }
    return change((at0, after) -> {
      if (!e.approvals.room(at0)) {
        throw new IllegalStateException("too many open approvals (" + Approvals.MAX_OPEN + ")");
      }
      Instant at = e.instant(at0);
      String id = "apr-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      Approval a = new Approval(id, approver, role, r.subject(), r.tool(), r.operation(), r.resource(), bound,
          at, at.plus(ttl), uses);
      StateChange.ApprovalGranted c = new StateChange.ApprovalGranted(at, a);
      long seq = append(c);
      apply(seq, c);
      after.add(() -> e.events.approved(seq, at, a));
      return a;
    });
  }

  // ---------------------------------------------------------------- policy

  /** Swaps the whole policy; runtime grants, revocations, lifecycle and restrictions carry over. */
  public void swap(Policy policy) {
    change((now, after) -> {
      Snapshot old = e.snapshot;
      List<Problem> problems = new ArrayList<>();
      for (int i = 0; i < policy.grants().size(); i++) {
        Grant g = policy.grants().get(i);
        if (e.state.idTaken(g.id())) {
          problems.add(new Problem(policy.source(), "grants[" + i + "].id",
              "grant id '" + g.id() + "' is already used by a grant issued at runtime", null));
        }
      }
      Instant at = e.instant(now);
      if (!problems.isEmpty()) {
        List<Problem> copy = List.copyOf(problems);
        after.add(() -> e.events.swapRefused(at, old.policy.version(), policy, copy));
        throw new PolicyException(problems);
      }
      e.snapshot = new Snapshot(policy, e.store, e.state::docRevoked);
      e.state.retainSlots(id -> policy.agent(id) != null);
      e.state.bumpEpoch();
      Engine.LOG.debug("installed policy {}", policy.version());
      after.add(() -> e.events.swapped(at, old.policy.version(), policy));
      return null;
    });
  }

  // ---------------------------------------------------------------- export and restore

  /** Returns the changes that rebuild the current runtime state on the same policy, with the counters' values. */
  public List<StateChange> export() {
    return change((now, after) -> {
      Instant at = e.instant(now);
      List<StateChange> out = new ArrayList<>();
      for (GrantNode g : e.state.activeGrants()) {
        out.add(new StateChange.GrantIssued(Instant.ofEpochMilli(g.issuedAt), g.grant, g.principal, g.issuedBy));
      }
      List<String> revoked = new ArrayList<>(e.state.revokedDocumentGrants());
      revoked.sort(null);
      for (String id : revoked) {
        out.add(new StateChange.GrantRevoked(at, id, "export"));
      }
      new TreeMap<>(e.state.overrides()).forEach((id, st) -> out.add(new StateChange.AgentStateChanged(at, id, st, "export")));
      new TreeMap<>(e.state.restrictions()).forEach((id, sc) -> out.add(new StateChange.EntitlementsChanged(at, id, sc, "export")));
      for (Approvals.Entry a : e.approvals.open()) {
        out.add(new StateChange.ApprovalGranted(a.approval.issuedAt(), a.approval));
        out.add(new StateChange.BudgetUsed(at, Approvals.counterKey(a.approval.id()), a.uses.value(), a.approval.expiresAt()));
      }
      List<GrantNode> limited = new ArrayList<>(e.state.activeGrants());
      limited.addAll(e.snapshot.docGrants.values());
      for (GrantNode g : limited) {
        if (g.budget != null) {
          out.add(new StateChange.BudgetUsed(at, Engine.budgetKey(g.id), g.used(), g.grant.expiresAt()));
        }
      }
      return out;
    });
  }

  /** Appends and applies exported changes (a restore before the decision point is used). */
  public void restore(List<StateChange> changes) {
    change((now, after) -> {
      for (StateChange c : changes) {
        if (c instanceof StateChange.BudgetUsed) {
          StateChange.BudgetUsed b = (StateChange.BudgetUsed) c;
          e.store.counter(b.key(), b.keepUntil()).restore(b.used()); // counters are not in the feed
        } else {
          long seq = append(c);
          apply(seq, c);
        }
      }
      return null;
    });
  }
}
