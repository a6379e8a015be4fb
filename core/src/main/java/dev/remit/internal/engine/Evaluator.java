package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.CredentialSpec;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.Principal;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Tool;
import dev.remit.internal.Text;
import dev.remit.internal.cache.Validity;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.state.Bucket;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.state.RuntimeState;
import dev.remit.spi.StageInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The native evaluation pipeline: request checks → identity and lifecycle → catalog → forbid
 * rules → a grant in a valid chain, within the principal's current entitlements → decision stages
 * → require-approval rules and presented approvals → call budgets, charged last. Default deny.
 *
 * <p>Work per decision is bounded by what the request concerns: the subject's own grants for the
 * request's task (active ones, plus the few that ended last), their chains (at most the maximum
 * depth), the rules and the stages. Nothing here is proportional to the number of agents, tools or
 * other agents' grants.
 */
final class Evaluator {
  private final Engine engine;

  Evaluator(Engine engine) {
    this.engine = engine;
  }

  /** Why a grant's chain does not allow a call; rank orders how informative it is. */
  private static final class Failure {
    final GrantNode grant;
    final Reason reason;
    /** 0: the grant does not cover the call at all; 1: covers it but the chain fails. */
    final int rank;

    Failure(GrantNode grant, Reason reason, int rank) {
      this.grant = grant;
      this.reason = reason;
      this.rank = rank;
    }
  }

  private static final Failure NOT_COVERED = new Failure(null, null, 0);

  /** The first grant whose chain allows the call, or the most informative failure so far. */
  private final class Search {
    GrantNode matched;
    Failure best;

    /** Checks {@code g}; returns true when it allows the call (the search is over). */
    boolean tries(GrantNode g, Call call, Snapshot s, Engine.Trace t) {
      Failure f = checkChain(g, call, s, t);
      if (f == null) {
        matched = g;
        return true;
      }
      if (best == null || f.rank > best.rank) {
        best = f;
      }
      return false;
    }
  }

  Decision evaluate(Request r, Snapshot s, long now, long rev, Engine.Trace t, boolean dry) {
    if (r == null) {
      return deny(null, s, now, rev, null, null, Messages.reason(ReasonCode.MALFORMED_REQUEST, "request is null"));
    }
    Decision bad = checkShape(r, s, now, rev);
    if (bad != null) {
      return bad;
    }
    RuntimeState st = engine.state;
    Agent agent = s.agents.get(r.subject());
    if (agent == null) {
      t.unknownSubject = true;
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.UNKNOWN_AGENT, "subject '"
          + r.subject() + "' is not a known agent or component"));
    }
    AgentState state = engine.effectiveState(s, agent);
    if (state != AgentState.ACTIVE) {
      String who = engine.ownState(agent) != AgentState.ACTIVE ? "agent '" + agent.id() + "'"
          : "agent '" + agent.partOf() + "', of which '" + agent.id() + "' is a component,";
      return deny(r, s, now, rev, null, null, Messages.reason(state == AgentState.SUSPENDED
          ? ReasonCode.AGENT_SUSPENDED : ReasonCode.AGENT_REVOKED, who + " is " + state.name().toLowerCase(Locale.ROOT)));
    }
    Tool tool = s.tools.get(r.tool());
    if (tool == null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.UNKNOWN_TOOL, "tool '" + r.tool()
          + "' is not in the catalog"));
    }
    RiskClass risk = tool.operations().get(r.operation());
    if (risk == null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.UNKNOWN_OPERATION, "tool '" + r.tool()
          + "' has no operation '" + r.operation() + "'"));
    }
    Call call = new Call(r, agent, tool, risk, now);

    // 1. forbid rules: any that applies wins
    List<Reason> forbidden = null;
    for (RuleNode rule : s.forbids) {
      int a = rule.applies(call);
      if (a == RuleNode.DOES_NOT_APPLY) {
        continue;
      }
      if (forbidden == null) {
        forbidden = new ArrayList<>(2);
      }
      forbidden.add(a == RuleNode.APPLIES ? Messages.forbid(rule) : Messages.ruleCondition(rule, a - 100, call));
    }
    if (forbidden != null) {
      return decision(r, s, now, rev, Outcome.DENY, forbidden, List.of(), null, null, null);
    }

    // 2. grants: the subject's grants for exactly this task (or for no task), document ones first
    String task = r.task();
    Search found = new Search();
    for (GrantNode g : s.docGrants(r.subject(), task)) {
      if (found.tries(g, call, s, t)) {
        break;
      }
    }
    Bucket bucket = found.matched == null ? st.bucket(r.subject(), task) : null;
    if (bucket != null) {
      Object view = bucket.view();
      GrantNode[] arr = Bucket.array(view);
      if (arr != null) {
        for (GrantNode g : arr) { // the common shape: few grants, no iterator
          if (found.tries(g, call, s, t)) {
            break;
          }
        }
      } else {
        for (GrantNode g : Bucket.iterable(view)) {
          if (found.tries(g, call, s, t)) {
            break;
          }
        }
      }
      if (found.matched == null && (found.best == null || found.best.rank == 0)) {
        // the grants that ended last here may tell precisely why (revoked, expired)
        for (GrantNode g : bucket.ended()) {
          Failure f = checkChain(g, call, s, t);
          if (f != null && f.rank > 0) {
            found.best = f;
            break;
          }
        }
      }
    }
    GrantNode matched = found.matched;
    Failure best = found.best;
    if (matched == null) {
      if (best == null || best.rank == 0) {
        return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.NO_MATCHING_GRANT, "no grant held by '"
            + r.subject() + "'" + (task == null ? "" : " for task '" + task + "'") + " covers "
            + r.tool() + "." + r.operation() + " on '" + Text.printable(r.resource()) + "' (outside its remit)"));
      }
      if (best.reason.code() == ReasonCode.MAX_CALLS_EXHAUSTED) {
        t.uncacheable = true; // a refund can bring the budget back without a change
      }
      return deny(r, s, now, rev, best.grant, engine.chainOf(best.grant, s), best.reason);
    }
    DelegationChain chain = engine.chainOf(matched, s);
    if (chain == null) {
      return deny(r, s, now, rev, matched, null, Messages.reason(ReasonCode.CHAIN_BROKEN, "the delegation chain of grant '"
          + matched.id + "' cannot be resolved"));
    }

    // 3. decision stages: may deny, ask for approval, add reasons and obligations; never widen
    StageRunner.Result staged = null;
    if (!engine.stages.isEmpty()) {
      staged = new StageRunner.Result();
      Principal principal = s.principals.get(matched.principal);
      Instant at = engine.instant(now);
      GrantNode leaf = matched;
      engine.stages.run(i -> new StageInput(r, agent, tool, risk, leaf.grant, chain, principal, at,
          Duration.ofNanos(Math.max(1, engine.stageBudget(i)))), staged);
      if (staged.denied != null) {
        if (staged.failed) {
          t.uncacheable = true;
        }
        return decision(r, s, now, rev, Outcome.DENY, staged.denied, List.of(), matched, chain, null);
      }
    }

    // 4. require-approval rules, and the stages' approval requirements
    List<Approvals.Requirement> needed = null;
    List<Reason> needReasons = null;
    List<Reason> unknown = null;
    for (RuleNode rule : s.approvals) {
      int a = rule.applies(call);
      if (a == RuleNode.DOES_NOT_APPLY) {
        continue;
      }
      if (a == RuleNode.APPLIES) {
        if (needed == null) {
          needed = new ArrayList<>(2);
          needReasons = new ArrayList<>(2);
        }
        needed.add(Approvals.Requirement.of(rule));
        needReasons.add(Messages.reason(ReasonCode.APPROVAL_REQUIRED, "rule '" + rule.rule.id()
            + "' requires approval by role '" + rule.rule.approverRole() + "'" + Messages.describe(rule.rule)));
      } else {
        if (unknown == null) {
          unknown = new ArrayList<>(1);
        }
        unknown.add(Messages.ruleCondition(rule, a - 100, call));
      }
    }
    if (unknown != null) {
      return decision(r, s, now, rev, Outcome.DENY, unknown, List.of(), matched, chain, null);
    }
    if (staged != null && !staged.approvals.isEmpty()) {
      if (needed == null) {
        needed = new ArrayList<>(2);
        needReasons = new ArrayList<>(2);
      }
      needed.addAll(staged.approvals);
      needReasons.addAll(staged.approvalReasons);
    }
    t.requirements = needed;
    List<Approvals.Entry> use = null;
    if (needed != null) {
      List<String> presented = Approvals.presented(r);
      String why = null;
      if (presented != null) {
        use = new ArrayList<>(presented.size());
        why = engine.approvals.problem(presented, needed, call, s, use);
      }
      if (presented == null || why != null) {
        return approvalRequired(r, s, now, rev, needed, needReasons, why, matched, chain, staged);
      }
    }
    if (dry) {
      return decision(r, s, now, rev, Outcome.ALLOW, allowReasons(matched, staged, null),
          obligations(matched, s, now, staged), matched, chain, null);
    }

    // 5. charge the call budget of every limited grant in the chain, all or nothing; then the approvals
    Reason exhausted = charge(matched, s);
    if (exhausted != null) {
      t.uncacheable = true;
      return deny(r, s, now, rev, matched, chain, exhausted);
    }
    Approvals.Entry lost = use == null ? null : Approvals.use(use);
    if (lost != null) {
      refund(matched, s);
      // used up by a concurrent call since it was checked: the same answer as any invalid approval
      return approvalRequired(r, s, now, rev, needed, needReasons, "approval '" + lost.approval.id()
          + "' has been used up", matched, chain, staged);
    }
    t.matched = matched;
    String approvalId = use == null ? null : use.get(0).approval.id();
    return decision(r, s, now, rev, Outcome.ALLOW, allowReasons(matched, staged, use),
        obligations(matched, s, now, staged), matched, chain, approvalId);
  }

  private static List<Reason> allowReasons(GrantNode matched, StageRunner.Result staged, List<Approvals.Entry> use) {
    if ((staged == null || staged.notes.isEmpty()) && use == null) {
      return matched.allowReasons();
    }
    List<Reason> out = new ArrayList<>(2 + (staged == null ? 0 : staged.notes.size()));
    out.add(matched.allowReason());
    if (staged != null) {
      out.addAll(staged.notes);
    }
    if (use != null) {
      for (Approvals.Entry e : use) {
        out.add(Messages.reason(ReasonCode.APPROVAL_ACCEPTED, "approval '" + e.approval.id() + "' by "
            + e.approval.approver() + " (" + e.approval.role() + ") accepted"));
      }
    }
    return out;
  }

  /** Returns REQUIRE_APPROVAL: one reason and obligation per requirement, then why the approval is invalid. */
  private Decision approvalRequired(Request r, Snapshot s, long now, long rev, List<Approvals.Requirement> needed,
      List<Reason> needReasons, String why, GrantNode matched, DelegationChain chain, StageRunner.Result staged) {
    List<Reason> reasons = new ArrayList<>(needReasons.size() + 1);
    reasons.addAll(needReasons);
    List<Obligation> obligations = new ArrayList<>(needed.size());
    for (Approvals.Requirement req : needed) {
      obligations.add(new Obligation.ApprovalNeeded(req.id(), req.role(), req.description()));
    }
    if (staged != null) {
      obligations.addAll(staged.obligations);
    }
    if (why != null) {
      reasons.add(Messages.reason(ReasonCode.APPROVAL_INVALID, why));
    }
    return decision(r, s, now, rev, Outcome.REQUIRE_APPROVAL, reasons, obligations, matched, chain, null);
  }

  Decision checkShape(Request r, Snapshot s, long now, long rev) {
    String missing = r.subject() == null ? "subject" : r.tool() == null ? "tool"
        : r.operation() == null ? "operation" : r.resource() == null ? "resource" : null;
    if (missing != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.MALFORMED_REQUEST, "request has no " + missing));
    }
    String bad;
    if ((bad = Text.checkId(r.subject())) != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.INVALID_NAME, "subject " + bad));
    }
    if ((bad = Text.checkName(r.tool())) != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.INVALID_NAME, "tool name " + bad));
    }
    if ((bad = Text.checkId(r.operation())) != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.INVALID_NAME, "operation " + bad));
    }
    if ((bad = Text.checkName(r.resource())) != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.INVALID_NAME, "resource id " + bad));
    }
    Object task = r.context().get("task");
    if (task != null && (!(task instanceof String) || Text.checkId((String) task) != null)) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.MALFORMED_REQUEST,
          "context.task must be a task id string"));
    }
    String approval = Approvals.shapeProblem(r.context().get("approval"));
    if (approval != null) {
      return deny(r, s, now, rev, null, null, Messages.reason(ReasonCode.MALFORMED_REQUEST, approval));
    }
    return null;
  }

  /**
   * Returns null if the chain of {@code leaf} allows the call now, else why not. Lowers
   * {@code t.until} to the next instant at which the time validity of a link it examined changes.
   */
  private Failure checkChain(GrantNode leaf, Call call, Snapshot s, Engine.Trace t) {
    Request r = call.request;
    // the leaf must cover the call before its chain is worth checking
    long leafMatch = CompiledScope.match(leaf.scopes, call);
    if (leafMatch == CompiledScope.NOT_COVERED) {
      return NOT_COVERED;
    }
    long now = call.now;
    GrantNode g = leaf;
    int depth = 0;
    while (true) {
      depth++;
      if (depth > s.maxDepth) {
        return fail(leaf, ReasonCode.CHAIN_TOO_DEEP, "the delegation chain of grant '" + leaf.id
            + "' is longer than the maximum depth " + s.maxDepth);
      }
      t.until = Validity.lower(t.until, now, g.notBefore, g.expiresAt, g.window);
      String which = g == leaf ? "grant '" + g.id + "'" : "grant '" + g.id + "' (ancestor of '" + leaf.id + "')";
      if (g.revoked()) {
        String via = g.revokedVia();
        return fail(leaf, ReasonCode.GRANT_REVOKED, via == null || via.equals(g.id) ? which + " was revoked"
            : "grant '" + via + "' (ancestor of '" + g.id + "') was revoked");
      }
      if (g.expiredAt(now)) {
        return fail(leaf, ReasonCode.GRANT_EXPIRED, which + " expired at " + Snapshot.at(g.expiresAt));
      }
      if (now < g.notBefore) {
        return fail(leaf, ReasonCode.GRANT_NOT_YET_VALID, which + " is not valid before " + Snapshot.at(g.notBefore));
      }
      if (g.window != null && !g.window.contains(now)) {
        return fail(leaf, ReasonCode.OUTSIDE_TIME_WINDOW, which + " is only valid " + Messages.window(g.window));
      }
      if (g != leaf) {
        Agent holder = s.agents.get(g.holder);
        AgentState hs = holder == null ? AgentState.REVOKED : engine.effectiveState(s, holder);
        if (hs != AgentState.ACTIVE) {
          return fail(leaf, ReasonCode.DELEGATOR_INACTIVE, "'" + g.holder + "', which delegated through "
              + which + ", is " + (holder == null ? "unknown" : hs.name().toLowerCase(Locale.ROOT)));
        }
        long m = CompiledScope.match(g.scopes, call);
        if (m == CompiledScope.NOT_COVERED) {
          return fail(leaf, ReasonCode.DELEGATION_EXCEEDS_PARENT, which + " does not cover "
              + r.tool() + "." + r.operation() + " on '" + Text.printable(r.resource()) + "', so '" + leaf.id
              + "' cannot either");
        }
        if (m != CompiledScope.ALLOWED) {
          return scopeFailure(leaf, which + ", in its scope ", g.scopes, m, call);
        }
      } else if (leafMatch != CompiledScope.ALLOWED) {
        return scopeFailure(leaf, which + ", in its scope ", g.scopes, leafMatch, call);
      }
      for (Condition c : g.constraints) {
        int res = c.evaluate(call);
        if (res != Condition.TRUE) {
          return fail(leaf, Messages.conditionCode(res), which + " " + Messages.condition(c, res,
              res == Condition.MISSING ? null : c.attr().resolve(call)));
        }
      }
      if (g.exhausted()) {
        return fail(leaf, ReasonCode.MAX_CALLS_EXHAUSTED, which + " allows " + g.maxCalls
            + " calls and all have been used");
      }
      if (g.parentId == null) {
        break;
      }
      GrantNode p = engine.find(s, g.parentId);
      if (p == null) {
        return fail(leaf, ReasonCode.CHAIN_BROKEN, which + " names parent '" + g.parentId + "', which no longer exists");
      }
      if (!p.holder.equals(g.issuedBy)) {
        return fail(leaf, ReasonCode.CHAIN_BROKEN, which + " was issued by '" + g.issuedBy
            + "' but its parent '" + p.id + "' is held by '" + p.holder + "'");
      }
      if (!p.principal.equals(g.principal)) {
        return fail(leaf, ReasonCode.CHAIN_BROKEN, which + " was issued acting for '" + g.principal
            + "' but its parent '" + p.id + "' now acts for '" + p.principal + "'");
      }
      g = p;
    }
    Principal principal = s.principals.get(g.principal);
    if (principal == null) {
      return fail(leaf, ReasonCode.UNKNOWN_PRINCIPAL, "principal '" + g.principal + "' behind grant '" + leaf.id
          + "' is not known");
    }
    if (!g.principal.equals(leaf.principal)) {
      return fail(leaf, ReasonCode.CHAIN_BROKEN, "grant '" + leaf.id + "' was issued acting for '" + leaf.principal
          + "' but its chain now acts for '" + g.principal + "'");
    }
    Failure f = entitled(leaf, g.principal, s.entitlements.get(g.principal), call, false);
    if (f != null) {
      return f;
    }
    RuntimeState.Restriction restriction = engine.state.restriction(g.principal);
    return restriction == null ? null : entitled(leaf, g.principal, restriction.compiled(), call, true);
  }

  private static Failure entitled(GrantNode leaf, String principal, CompiledScope[] entitlements, Call call,
      boolean restricted) {
    Request r = call.request;
    long m = CompiledScope.match(entitlements, call);
    String which = restricted ? " (as restricted at runtime)" : "";
    if (m == CompiledScope.NOT_COVERED) {
      return fail(leaf, ReasonCode.PRINCIPAL_NOT_ENTITLED, "principal '" + principal + "' is not (any longer) entitled"
          + " to " + r.tool() + "." + r.operation() + " on '" + Text.printable(r.resource()) + "'" + which);
    }
    if (m != CompiledScope.ALLOWED) {
      return scopeFailure(leaf, "principal '" + principal + "', in its "
          + (restricted ? "runtime restriction, entitlement " : "entitlement "), entitlements, m, call);
    }
    return null;
  }

  /** Returns the failure for a {@link CompiledScope#match} result naming a failing constraint. */
  private static Failure scopeFailure(GrantNode leaf, String prefix, CompiledScope[] scopes, long m, Call call) {
    int i = CompiledScope.failedScope(m);
    int res = CompiledScope.failedResult(m);
    Condition c = scopes[i].constraints()[CompiledScope.failedConstraint(m)];
    return fail(leaf, Messages.conditionCode(res), prefix + i + ", " + Messages.condition(c, res,
        res == Condition.MISSING ? null : c.attr().resolve(call)));
  }

  private static Failure fail(GrantNode leaf, ReasonCode code, String message) {
    return new Failure(leaf, new Reason(code, message), 1);
  }

  private Reason charge(GrantNode leaf, Snapshot s) {
    GrantNode g = leaf;
    List<GrantNode> charged = null;
    for (int guard = 0; g != null && guard <= s.maxDepth; guard++) {
      if (g.budget != null) {
        if (!g.tryCharge()) {
          if (charged != null) {
            charged.forEach(GrantNode::refund);
          }
          return Messages.reason(ReasonCode.MAX_CALLS_EXHAUSTED, "grant '" + g.id + "' allows " + g.maxCalls
              + " calls and all have been used");
        }
        if (charged == null) {
          charged = new ArrayList<>(2);
        }
        charged.add(g);
      }
      g = g.parentId == null ? null : engine.find(s, g.parentId);
    }
    return null;
  }

  private void refund(GrantNode leaf, Snapshot s) {
    GrantNode g = leaf;
    for (int guard = 0; g != null && guard <= s.maxDepth; guard++) {
      g.refund();
      g = g.parentId == null ? null : engine.find(s, g.parentId);
    }
  }

  private List<Obligation> obligations(GrantNode leaf, Snapshot s, long now, StageRunner.Result staged) {
    CredentialSpec spec = leaf.grant.credential();
    if (spec == null && (staged == null || staged.obligations.isEmpty())) {
      return List.of();
    }
    List<Obligation> out = new ArrayList<>(2);
    if (spec != null) {
      long earliest = Long.MAX_VALUE;
      GrantNode g = leaf;
      for (int guard = 0; g != null && guard <= s.maxDepth; guard++) {
        earliest = Math.min(earliest, g.expiresAt);
        g = g.parentId == null ? null : engine.find(s, g.parentId);
      }
      long ttlMillis = Math.min(spec.ttl().toMillis(), earliest - now);
      out.add(new Obligation.MintCredential(spec.audience(), spec.scopes(),
          Duration.ofSeconds(Math.max(1, ttlMillis / 1000)), leaf.id));
    }
    if (staged != null) {
      out.addAll(staged.obligations);
    }
    return out;
  }

  Decision deny(Request r, Snapshot s, long now, long rev, GrantNode g, DelegationChain chain, Reason reason) {
    return decision(r, s, now, rev, Outcome.DENY, List.of(reason), List.of(), g, chain, null);
  }

  Decision decision(Request r, Snapshot s, long now, long rev, Outcome outcome, List<Reason> reasons,
      List<Obligation> obligations, GrantNode g, DelegationChain chain, String approvalId) {
    String subject = r == null ? null : r.subject();
    Agent a = subject == null ? null : s.agents.get(subject);
    String agent = a == null ? null : (a.partOf() != null ? a.partOf() : a.id());
    return new Decision(engine.nextDecisionId(), outcome, reasons, obligations, subject, agent,
        g == null ? null : g.id, chain, approvalId, s.policy.version(), rev, engine.instant(now));
  }
}
