package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Approval;
import dev.remit.CredentialSpec;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.GrantRefusedException;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Principal;
import dev.remit.Problem;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.Tool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.remit.internal.policy.Attr;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.policy.Validation;
import dev.remit.internal.Text;
import dev.remit.internal.Canonical;

/**
 * The native decision engine and its runtime state.
 *
 * <p>Reads are lock-free: a decision reads the volatile {@link Snapshot} once and the concurrent
 * map of runtime grants. Every change takes one lock, so changes are serialised, and is visible
 * to any decision that starts after the changing method returns.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger("dev.remit.engine");
  private static final GrantNode[] NO_GRANTS = new GrantNode[0];
  private static final int MAX_OPEN_APPROVALS = 100_000;

  private final Clock clock;
  private final Object lock = new Object();
  private volatile Snapshot snapshot;
  private final ConcurrentHashMap<String, GrantNode> runtimeGrants = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, GrantNode[]> runtimeByHolder = new ConcurrentHashMap<>();
  private final Set<String> revokedGrantIds = ConcurrentHashMap.newKeySet();
  private final Map<String, AgentState> agentOverrides = new HashMap<>();
  private final Map<String, List<Scope>> entitlementOverrides = new HashMap<>();
  private final ConcurrentHashMap<String, ApprovalEntry> approvals = new ConcurrentHashMap<>();
  private final AtomicLong revision = new AtomicLong();
  private final AtomicLong decisions = new AtomicLong();
  private final String idPrefixDash;
  private volatile Attr[] runtimeAttrs = new Attr[0];
  private volatile Instant lastInstant = Instant.EPOCH;

  public Engine(Policy policy, Clock clock) {
    this.clock = clock;
    this.idPrefixDash = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
        .substring(0, 10) + "-";
    synchronized (lock) {
      this.snapshot = buildSnapshot(policy, Map.of(), "policy");
    }
  }

  public Clock clock() {
    return clock;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  public long revision() {
    return revision.get();
  }

  // ---------------------------------------------------------------- decisions

  /** Returns the decision for {@code r}; never throws for a bad request or evaluation error. */
  public Decision decide(Request r) {
    return decide(r, clock.millis());
  }

  /**
   * Returns the decision for {@code r} at {@code now} (epoch millis, read once by the caller from
   * this engine's clock); used by the decision cache so a call reads the clock once.
   */
  public Decision decide(Request r, long now) {
    // the revision before the state is read: a change landing mid-evaluation must not be
    // claimed as seen (a revision-stamped cache entry would outlive it)
    long rev = revision.get();
    Snapshot s = snapshot;
    try {
      Decision d = evaluate(r, s, now);
      return d.revision() == rev ? d : new Decision(d.id(), d.outcome(), d.reasons(), d.obligations(), d.subject(),
          d.agent(), d.grant(), d.chain(), d.approval(), d.policyVersion(), rev, d.evaluatedAt());
    } catch (Exception | StackOverflowError e) {
      // Exception, not RuntimeException: host-supplied maps and values may throw checked
      // exceptions undeclared (proxies, sneaky throws); authorize must still never throw
      LOG.warn("evaluation failed; denying (fail closed)", e);
      return deny(r, s, now, null, null, reason(ReasonCode.EVALUATION_ERROR,
          "evaluation failed: " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }
  }

  private Decision evaluate(Request r, Snapshot s, long now) {
    if (r == null) {
      return deny(null, s, now, null, null, reason(ReasonCode.MALFORMED_REQUEST, "request is null"));
    }
    Decision bad = checkShape(r, s, now);
    if (bad != null) {
      return bad;
    }
    Agent agent = s.agents.get(r.subject());
    if (agent == null) {
      String near = Text.closest(r.subject(), s.agents.keySet());
      return deny(r, s, now, null, null, reason(ReasonCode.UNKNOWN_AGENT, "subject '" + r.subject()
          + "' is not a known agent or component" + (near == null ? "" : " (did you mean '" + near + "'?)")));
    }
    AgentState st = s.effectiveState(agent);
    if (st != AgentState.ACTIVE) {
      String who = agent.state() != AgentState.ACTIVE ? "agent '" + agent.id() + "'"
          : "agent '" + agent.partOf() + "', of which '" + agent.id() + "' is a component,";
      return deny(r, s, now, null, null, reason(st == AgentState.SUSPENDED ? ReasonCode.AGENT_SUSPENDED
          : ReasonCode.AGENT_REVOKED, who + " is " + st.name().toLowerCase(java.util.Locale.ROOT)));
    }
    Tool tool = s.tools.get(r.tool());
    if (tool == null) {
      String near = Text.closest(r.tool(), s.tools.keySet());
      return deny(r, s, now, null, null, reason(ReasonCode.UNKNOWN_TOOL, "tool '" + r.tool()
          + "' is not in the catalog" + (near == null ? "" : " (did you mean '" + near + "'?)")));
    }
    RiskClass risk = tool.operations().get(r.operation());
    if (risk == null) {
      return deny(r, s, now, null, null, reason(ReasonCode.UNKNOWN_OPERATION, "tool '" + r.tool()
          + "' has no operation '" + r.operation() + "'; it has " + new java.util.TreeSet<>(tool.operations().keySet())));
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
      forbidden.add(a == RuleNode.APPLIES ? forbidReason(rule) : ruleConditionReason(rule, a - 100, call));
    }
    if (forbidden != null) {
      return decision(r, s, now, Outcome.DENY, forbidden, List.of(), null, null, null);
    }

    // 2. grants: a grant in a valid chain must cover the call and all its constraints hold
    String task = r.task();
    GrantNode matched = null;
    Failure best = null;
    GrantNode[] doc = s.docByHolder.getOrDefault(r.subject(), NO_GRANTS);
    GrantNode[] rt = runtimeByHolder.getOrDefault(r.subject(), NO_GRANTS);
    for (int pass = 0; pass < 2 && matched == null; pass++) {
      GrantNode[] arr = pass == 0 ? doc : rt;
      for (GrantNode g : arr) {
        if (task != null && !task.equals(g.grant.task())) {
          continue;
        }
        Failure f = checkChain(g, call, s);
        if (f == null) {
          matched = g;
          break;
        }
        if (best == null || f.rank > best.rank) {
          best = f;
        }
      }
    }
    if (matched == null) {
      if (best == null || best.rank == 0) {
        return deny(r, s, now, null, null, reason(ReasonCode.NO_MATCHING_GRANT, "no grant held by '"
            + r.subject() + "'" + (task == null ? "" : " for task '" + task + "'") + " covers "
            + r.tool() + "." + r.operation() + " on '" + r.resource() + "' (outside its remit)"));
      }
      return deny(r, s, now, best.grant, chainOf(best.grant, s), best.reason);
    }

    // 3. require-approval rules
    List<RuleNode> needApproval = null;
    List<Reason> missing = null;
    for (RuleNode rule : s.approvals) {
      int a = rule.applies(call);
      if (a == RuleNode.DOES_NOT_APPLY) {
        continue;
      }
      if (a == RuleNode.APPLIES) {
        if (needApproval == null) {
          needApproval = new ArrayList<>(2);
        }
        needApproval.add(rule);
      } else {
        if (missing == null) {
          missing = new ArrayList<>(1);
        }
        missing.add(ruleConditionReason(rule, a - 100, call));
      }
    }
    if (missing != null) {
      return decision(r, s, now, Outcome.DENY, missing, List.of(), matched, chainOf(matched, s), null);
    }
    ApprovalEntry approval = null;
    if (needApproval != null) {
      Object presented = r.context().get("approval");
      // look the approval up once: another decision may prune it while this one checks it
      ApprovalEntry entry = presented == null ? null : approvals.get((String) presented);
      String why = presented == null ? null : approvalProblem((String) presented, entry, needApproval, call);
      if (presented == null || why != null) {
        return approvalRequired(r, s, now, needApproval, why, matched);
      }
      approval = entry;
    }

    // 4. charge the call budget of every limited grant in the chain, all or nothing
    Reason exhausted = charge(matched, s);
    if (exhausted != null) {
      return deny(r, s, now, matched, chainOf(matched, s), exhausted);
    }
    if (approval != null && !approval.tryUse()) {
      refund(matched, s);
      // used up by a concurrent call since it was checked: same answer as any invalid approval
      return approvalRequired(r, s, now, needApproval,
          "approval '" + approval.approval.id() + "' has been used up", matched);
    }
    List<Reason> reasons = approval == null ? matched.allowReasons()
        : List.of(matched.allowReason(), reason(ReasonCode.APPROVAL_ACCEPTED, "approval '" + approval.approval.id()
            + "' by " + approval.approval.approver() + " (" + approval.approval.role() + ") accepted"));
    List<Obligation> obligations = credentialObligation(matched, s, now);
    return decision(r, s, now, Outcome.ALLOW, reasons, obligations, matched, chainOf(matched, s),
        approval == null ? null : approval.approval.id());
  }

  /** Returns REQUIRE_APPROVAL: one reason and obligation per rule, then why the approval is invalid. */
  private Decision approvalRequired(Request r, Snapshot s, long now, List<RuleNode> needApproval, String why,
      GrantNode matched) {
    List<Reason> reasons = new ArrayList<>(needApproval.size() + 1);
    List<Obligation> obligations = new ArrayList<>(needApproval.size());
    for (RuleNode rule : needApproval) {
      reasons.add(reason(ReasonCode.APPROVAL_REQUIRED, "rule '" + rule.rule.id() + "' requires approval by role '"
          + rule.rule.approverRole() + "'" + describeRule(rule.rule)));
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("rule", rule.rule.id());
      attrs.put("approver_role", rule.rule.approverRole());
      if (rule.rule.description() != null) {
        attrs.put("description", rule.rule.description());
      }
      obligations.add(new Obligation(Obligation.APPROVAL, attrs));
    }
    if (why != null) {
      reasons.add(reason(ReasonCode.APPROVAL_INVALID, why));
    }
    return decision(r, s, now, Outcome.REQUIRE_APPROVAL, reasons, obligations, matched, chainOf(matched, s), null);
  }

  private Decision checkShape(Request r, Snapshot s, long now) {
    String missing = r.subject() == null ? "subject" : r.tool() == null ? "tool"
        : r.operation() == null ? "operation" : r.resource() == null ? "resource" : null;
    if (missing != null) {
      return deny(r, s, now, null, null, reason(ReasonCode.MALFORMED_REQUEST, "request has no " + missing));
    }
    String bad;
    if ((bad = Text.checkId(r.subject())) != null) {
      return deny(r, s, now, null, null, reason(ReasonCode.INVALID_NAME, "subject " + bad));
    }
    if ((bad = Text.checkName(r.tool())) != null) {
      return deny(r, s, now, null, null, reason(ReasonCode.INVALID_NAME, "tool name " + bad));
    }
    if ((bad = Text.checkId(r.operation())) != null) {
      return deny(r, s, now, null, null, reason(ReasonCode.INVALID_NAME, "operation " + bad));
    }
    if ((bad = Text.checkName(r.resource())) != null) {
      return deny(r, s, now, null, null, reason(ReasonCode.INVALID_NAME, "resource id " + bad));
    }
    Object task = r.context().get("task");
    if (task != null && (!(task instanceof String) || Text.checkId((String) task) != null)) {
      return deny(r, s, now, null, null, reason(ReasonCode.MALFORMED_REQUEST,
          "context.task must be a task id string"));
    }
    Object approval = r.context().get("approval");
    if (approval != null && !(approval instanceof String)) {
      return deny(r, s, now, null, null, reason(ReasonCode.MALFORMED_REQUEST,
          "context.approval must be an approval id string"));
    }
    return null;
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

  private Failure checkChain(GrantNode leaf, Call call, Snapshot s) {
    Request r = call.request;
    // one pass over the leaf's scopes: whether any covers the call, and whether one whose
    // constraints hold does (reported below, after the grant's validity in time)
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
      String which = g == leaf ? "grant '" + g.id + "'" : "grant '" + g.id + "' (ancestor of '" + leaf.id + "')";
      if (g.revoked()) {
        return fail(leaf, ReasonCode.GRANT_REVOKED, which + " was revoked");
      }
      if (now < g.notBefore) {
        return fail(leaf, ReasonCode.GRANT_NOT_YET_VALID, which + " is not valid before " + Instant.ofEpochMilli(g.notBefore));
      }
      if (now >= g.expiresAt) {
        return fail(leaf, ReasonCode.GRANT_EXPIRED, which + " expired at " + Instant.ofEpochMilli(g.expiresAt));
      }
      if (g.window != null && !g.window.contains(now)) {
        return fail(leaf, ReasonCode.OUTSIDE_TIME_WINDOW, which + " is only valid " + describe(g.window));
      }
      if (g != leaf) {
        Agent holder = s.agents.get(g.holder);
        AgentState hs = holder == null ? AgentState.REVOKED : s.effectiveState(holder);
        if (hs != AgentState.ACTIVE) {
          return fail(leaf, ReasonCode.DELEGATOR_INACTIVE, "'" + g.holder + "', which delegated through "
              + which + ", is " + (holder == null ? "unknown" : hs.name().toLowerCase(java.util.Locale.ROOT)));
        }
        long m = CompiledScope.match(g.scopes, call);
        if (m == CompiledScope.NOT_COVERED) {
          return fail(leaf, ReasonCode.DELEGATION_EXCEEDS_PARENT, which + " does not cover "
              + r.tool() + "." + r.operation() + " on '" + r.resource() + "', so '" + leaf.id + "' cannot either");
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
          return fail(leaf, conditionCode(res), which + " " + conditionMessage(c, res, call));
        }
      }
      if (g.maxCalls != Grant.UNLIMITED && g.used.get() >= g.maxCalls) {
        return fail(leaf, ReasonCode.MAX_CALLS_EXHAUSTED, which + " allows " + g.maxCalls
            + " calls and all have been used");
      }
      if (g.parentId == null) {
        break;
      }
      GrantNode p = find(s, g.parentId);
      if (p == null) {
        return fail(leaf, ReasonCode.CHAIN_BROKEN, which + " names parent '" + g.parentId + "', which no longer exists");
      }
      if (!p.holder.equals(g.issuedBy)) {
        return fail(leaf, ReasonCode.CHAIN_BROKEN, which + " was issued by '" + g.issuedBy
            + "' but its parent '" + p.id + "' is held by '" + p.holder + "'");
      }
      g = p;
    }
    Principal principal = s.principals.get(g.principal);
    if (principal == null) {
      return fail(leaf, ReasonCode.UNKNOWN_PRINCIPAL, "principal '" + g.principal + "' behind grant '" + leaf.id + "' is not known");
    }
    CompiledScope[] entitlements = s.entitlements.get(g.principal);
    long m = CompiledScope.match(entitlements, call);
    if (m == CompiledScope.NOT_COVERED) {
      return fail(leaf, ReasonCode.PRINCIPAL_NOT_ENTITLED, "principal '" + g.principal + "' is not (any longer) entitled to "
          + r.tool() + "." + r.operation() + " on '" + r.resource() + "'");
    }
    if (m != CompiledScope.ALLOWED) {
      return scopeFailure(leaf, "principal '" + g.principal + "', in its entitlement ", entitlements, m, call);
    }
    return null;
  }

  /**
   * Returns the failure for a {@link CompiledScope#match} result naming a failing constraint: the
   * scopes covered the call but none of them with all its constraints holding. Only on a deny.
   */
  private static Failure scopeFailure(GrantNode leaf, String prefix, CompiledScope[] scopes, long m, Call call) {
    int i = CompiledScope.failedScope(m);
    int res = CompiledScope.failedResult(m);
    Condition c = scopes[i].constraints()[CompiledScope.failedConstraint(m)];
    return fail(leaf, conditionCode(res), prefix + i + ", " + conditionMessage(c, res, call));
  }

  private static Failure fail(GrantNode leaf, ReasonCode code, String message) {
    return new Failure(leaf, new Reason(code, message), 1);
  }

  private static ReasonCode conditionCode(int res) {
    switch (res) {
      case Condition.MISSING: return ReasonCode.MISSING_ATTRIBUTE;
      case Condition.TYPE_MISMATCH: return ReasonCode.ATTRIBUTE_TYPE_MISMATCH;
      default: return ReasonCode.CONSTRAINT_VIOLATED;
    }
  }

  private static String conditionMessage(Condition c, int res, Call call) {
    switch (res) {
      case Condition.MISSING:
        return "requires " + c.source() + " but the request has no attribute '" + c.attr().path() + "'";
      case Condition.TYPE_MISMATCH:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is " + typeName(c.attr().resolve(call));
      case Condition.INVALID_NAME:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is not a valid name: "
            + Text.checkName((String) c.attr().resolve(call));
      default:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is " + show(c.attr().resolve(call));
    }
  }

  private static String typeName(Object v) {
    if (v instanceof String) {
      return "the string " + show(v);
    }
    if (v instanceof Number) {
      return "the number " + v;
    }
    if (v instanceof Boolean) {
      return "the boolean " + v;
    }
    if (v instanceof java.util.List) {
      return "a list";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return "of type " + (v == null ? "null" : v.getClass().getSimpleName());
  }

  private static String show(Object v) {
    if (v instanceof String) {
      String s = (String) v;
      return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
    }
    return String.valueOf(v);
  }

  private static Reason forbidReason(RuleNode rule) {
    return new Reason(ReasonCode.FORBIDDEN_BY_RULE, "rule '" + rule.rule.id() + "' forbids this call"
        + describeRule(rule.rule));
  }

  private static String describeRule(Rule r) {
    return r.description() == null ? "" : ": " + r.description();
  }

  private static Reason ruleConditionReason(RuleNode rule, int i, Call call) {
    Condition c = rule.conditions[i];
    int res = c.evaluate(call);
    return new Reason(conditionCode(res), "rule '" + rule.rule.id() + "' cannot tell whether it applies: it "
        + conditionMessage(c, res, call) + " (rules fail closed; set on_missing: not_applicable to skip)");
  }

  private static String describe(dev.remit.TimeWindow w) {
    return w.start() + "–" + w.end() + " " + w.zone() + (w.days().size() == 7 ? "" : " on " + new java.util.TreeSet<>(w.days()));
  }

  private Reason charge(GrantNode leaf, Snapshot s) {
    GrantNode g = leaf;
    List<GrantNode> charged = null;
    while (g != null) {
      if (g.maxCalls != Grant.UNLIMITED) {
        if (!g.tryCharge()) {
          if (charged != null) {
            charged.forEach(GrantNode::refund);
          }
          return new Reason(ReasonCode.MAX_CALLS_EXHAUSTED, "grant '" + g.id + "' allows " + g.maxCalls
              + " calls and all have been used");
        }
        if (charged == null) {
          charged = new ArrayList<>(2);
        }
        charged.add(g);
      }
      g = g.parentId == null ? null : find(s, g.parentId);
    }
    return null;
  }

  /**
   * Releases the call budget an ALLOW decision charged: one call on every limited grant of its
   * chain that is still held. Callers make sure it happens at most once per decision.
   */
  public void refund(Decision d) {
    if (d.outcome() != Outcome.ALLOW || d.chain() == null) {
      return;
    }
    Snapshot s = snapshot;
    for (DelegationChain.Hop h : d.chain().hops()) {
      GrantNode g = find(s, h.grant());
      if (g != null && g.used != null && g.used.get() > 0) {
        g.refund();
      }
    }
  }

  private void refund(GrantNode leaf, Snapshot s) {
    for (GrantNode g = leaf; g != null; g = g.parentId == null ? null : find(s, g.parentId)) {
      g.refund();
    }
  }

  private List<Obligation> credentialObligation(GrantNode leaf, Snapshot s, long now) {
    CredentialSpec spec = leaf.grant.credential();
    if (spec == null) {
      return List.of();
    }
    long earliest = Long.MAX_VALUE;
    for (GrantNode g = leaf; g != null; g = g.parentId == null ? null : find(s, g.parentId)) {
      earliest = Math.min(earliest, g.expiresAt);
    }
    long ttlMillis = Math.min(spec.ttl().toMillis(), earliest - now);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("audience", spec.audience());
    attrs.put("scopes", String.join(" ", spec.scopes()));
    attrs.put("ttl_seconds", Long.toString(Math.max(1, ttlMillis / 1000)));
    attrs.put("grant", leaf.id);
    return List.of(new Obligation(Obligation.MINT_CREDENTIAL, attrs));
  }

  private Decision deny(Request r, Snapshot s, long now, GrantNode g, DelegationChain chain, Reason reason) {
    return decision(r, s, now, Outcome.DENY, List.of(reason), List.of(), g, chain, null);
  }

  private Decision decision(Request r, Snapshot s, long now, Outcome outcome, List<Reason> reasons,
      List<Obligation> obligations, GrantNode g, DelegationChain chain, String approvalId) {
    String subject = r == null ? null : r.subject();
    Agent a = subject == null ? null : s.agents.get(subject);
    String agent = a == null ? null : (a.partOf() != null ? a.partOf() : a.id());
    return new Decision(nextDecisionId(), outcome, reasons,
        obligations, subject, agent, g == null ? null : g.id, chain, approvalId,
        s.policy.version(), revision.get(), instant(now));
  }

  /** Returns {@code now} as an Instant, reusing the last one made when the millisecond is the same. */
  public Instant instant(long now) {
    Instant i = lastInstant;
    if (i.toEpochMilli() != now) {
      i = Instant.ofEpochMilli(now);
      lastInstant = i;
    }
    return i;
  }

  /** Returns a new decision id, unique within this engine (random hex prefix, then a decimal counter). */
  public String nextDecisionId() {
    // each thread takes a block of counter values, so concurrent callers do not contend on one
    // atomic; ids stay unique, not ordered across threads
    long[] block = idBlocks.get();
    if (block[0] == block[1]) {
      block[0] = decisions.getAndAdd(ID_BLOCK) + 1;
      block[1] = block[0] + ID_BLOCK;
    }
    // one concatenation of a String and a long: a single byte[] and String, no intermediate text
    return idPrefixDash + block[0]++;
  }

  private static final int ID_BLOCK = 1024;
  private final ThreadLocal<long[]> idBlocks = ThreadLocal.withInitial(() -> new long[2]);

  /** Returns the runtime-issued grants held by {@code holder} (revoked ones included); do not modify. */
  public GrantNode[] runtimeGrantsHeldBy(String holder) {
    return runtimeByHolder.getOrDefault(holder, NO_GRANTS);
  }

  /**
   * Returns the attributes (deduplicated by path) that constraints of runtime-issued grants read;
   * replaced, before the revision moves, by every issue that adds a path. Do not modify.
   */
  public Attr[] runtimeAttributes() {
    return runtimeAttrs;
  }

  private static Reason reason(ReasonCode code, String message) {
    return new Reason(code, message);
  }

  /** Returns the chain of {@code leaf}, root first, or null if it cannot be resolved. */
  public DelegationChain chainOf(GrantNode leaf, Snapshot s) {
    if (leaf == null) {
      return null;
    }
    DelegationChain cached = leaf.cachedChain(s);
    if (cached != null) {
      return cached;
    }
    List<DelegationChain.Hop> hops = new ArrayList<>();
    GrantNode g = leaf;
    int guard = 0;
    while (g != null && guard++ < 64) {
      hops.add(new DelegationChain.Hop(g.id, g.holder, g.issuedBy, g.grant.task()));
      if (g.parentId == null) {
        break;
      }
      g = find(s, g.parentId);
    }
    if (g == null) {
      return null;
    }
    java.util.Collections.reverse(hops);
    DelegationChain c = new DelegationChain(g.principal, hops);
    leaf.cacheChain(s, c);
    return c;
  }

  public GrantNode find(Snapshot s, String id) {
    GrantNode g = s.docGrants.get(id);
    return g != null ? g : runtimeGrants.get(id);
  }

  /** Returns the grant with that id as held now, or null. */
  public GrantNode grant(String id) {
    return find(snapshot, id);
  }

  // ---------------------------------------------------------------- approvals

  private static final class ApprovalEntry {
    final Approval approval;
    final AtomicInteger usesLeft;

    ApprovalEntry(Approval a) {
      this.approval = a;
      this.usesLeft = new AtomicInteger(a.uses());
    }

    boolean tryUse() {
      while (true) {
        int u = usesLeft.get();
        if (u <= 0) {
          return false;
        }
        if (usesLeft.compareAndSet(u, u - 1)) {
          return true;
        }
      }
    }
  }

  private String approvalProblem(String id, ApprovalEntry e, List<RuleNode> rules, Call call) {
    Request r = call.request;
    long now = call.now;
    if (e == null) {
      return "approval '" + id + "' is not known";
    }
    Approval a = e.approval;
    if (now >= a.expiresAt().toEpochMilli()) {
      approvals.remove(id, e);
      return "approval '" + id + "' expired at " + a.expiresAt();
    }
    if (e.usesLeft.get() <= 0) {
      return "approval '" + id + "' has been used up";
    }
    if (!a.subject().equals(r.subject()) || !a.tool().equals(r.tool())
        || !a.operation().equals(r.operation()) || !java.util.Objects.equals(a.resource(), r.resource())) {
      return "approval '" + id + "' was given for " + a.subject() + " calling " + a.tool() + "." + a.operation()
          + " on '" + a.resource() + "', not for this call";
    }
    for (RuleNode rule : rules) {
      if (!rule.rule.approverRole().equals(a.role())) {
        return "rule '" + rule.rule.id() + "' needs an approver with role '" + rule.rule.approverRole()
            + "' but approval '" + id + "' was given as '" + a.role() + "'";
      }
      for (Map.Entry<String, String> b : bindings(rule, call).entrySet()) {
        String approved = a.bound().get(b.getKey());
        if (!b.getValue().equals(approved)) {
          return "approval '" + id + "' is bound to " + b.getKey() + " = " + (approved == null ? "<unbound>" : approved)
              + " but this call has " + b.getValue();
        }
      }
    }
    return null;
  }

  private static Map<String, String> bindings(RuleNode rule, Call call) {
    Map<String, String> m = new java.util.TreeMap<>();
    if (rule.bind.length == 0) {
      m.put("args", Canonical.ofBound(call.request.args()));
      return m;
    }
    for (Attr a : rule.bind) {
      // resolve against the real call: agent.* and tool.* bindings need its agent and catalog entry
      Object v = a.resolve(call);
      m.put(a.path(), v == Attr.MISSING ? "<missing>" : Canonical.ofBound(v));
    }
    return m;
  }

  /** Issues an approval of exactly this call; see {@link dev.remit.Remit#approve}. */
  public Approval approve(Request r, String approver, String role, Duration ttl, int uses) {
    Snapshot s = snapshot;
    long now = clock.millis();
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
    Decision shape = checkShape(r, s, now);
    if (shape != null) {
      throw new IllegalArgumentException("cannot approve a malformed request: " + shape.reasons().get(0).message());
    }
    Agent agent = s.agents.get(r.subject());
    Tool tool = s.tools.get(r.tool());
    RiskClass risk = tool == null ? null : tool.operations().get(r.operation());
    if (agent == null || risk == null) {
      throw new IllegalArgumentException("cannot approve a call by an unknown agent or of an unknown tool operation");
    }
    Call call = new Call(r, agent, tool, risk, now);
    Map<String, String> bound = new java.util.TreeMap<>();
    boolean any = false;
    for (RuleNode rule : s.approvals) {
      if (rule.applies(call) == RuleNode.APPLIES) {
        any = true;
        if (!rule.rule.approverRole().equals(role)) {
          throw new IllegalArgumentException("rule '" + rule.rule.id() + "' needs role '"
              + rule.rule.approverRole() + "', not '" + role + "'");
        }
        bound.putAll(bindings(rule, call));
      }
    }
    if (!any) {
      throw new IllegalStateException("no require-approval rule applies to this call; nothing to approve");
    }
    if (approvals.size() >= MAX_OPEN_APPROVALS) {
      approvals.values().removeIf(e -> now >= e.approval.expiresAt().toEpochMilli() || e.usesLeft.get() <= 0);
      if (approvals.size() >= MAX_OPEN_APPROVALS) {
        throw new IllegalStateException("too many open approvals (" + MAX_OPEN_APPROVALS + ")");
      }
    }
    String id = "apr-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    Approval a = new Approval(id, approver, role, r.subject(), r.tool(), r.operation(), r.resource(), bound,
        Instant.ofEpochMilli(now), Instant.ofEpochMilli(now).plus(ttl), uses);
    approvals.put(id, new ApprovalEntry(a));
    return a;
  }

  // ---------------------------------------------------------------- changes

  /** Issues a grant after checking it fits its parent or principal; returns it as stored. */
  public Grant issue(Grant g) {
    synchronized (lock) {
      Snapshot s = snapshot;
      long now = clock.millis();
      if (find(s, g.id()) != null || revokedGrantIds.contains(g.id())) {
        throw new GrantRefusedException(g.id(), "a grant with this id exists or existed");
      }
      GrantNode parent = g.parent() == null ? null : find(s, g.parent());
      String problem = Validation.grantProblem(g, parent, s, now, this);
      if (problem != null) {
        throw new GrantRefusedException(g.id(), problem);
      }
      String principal = parent == null ? g.principal() : parent.principal;
      Grant stored = g.principal() == null ? withPrincipal(g, principal) : g;
      GrantNode node = new GrantNode(stored, principal, parent == null ? principal : parent.holder, null, false);
      // the attributes its constraints read go into the cache key layout before the grant can be
      // seen: a decision that sees the grant then finds the layout changed and does not cache
      addRuntimeAttributes(node);
      runtimeGrants.put(node.id, node);
      runtimeByHolder.compute(node.holder, (k, arr) -> {
        if (arr == null) {
          return new GrantNode[] {node};
        }
        GrantNode[] n = Arrays.copyOf(arr, arr.length + 1);
        n[arr.length] = node;
        return n;
      });
      revision.incrementAndGet();
      return stored;
    }
  }

  private void addRuntimeAttributes(GrantNode node) {
    Attr[] cur = runtimeAttrs;
    List<Attr> added = null;
    // grant constraints and scope constraints alike: a path either reads must be in the cache key
    List<Condition> conditions = new ArrayList<>(Arrays.asList(node.constraints));
    for (CompiledScope sc : node.scopes) {
      conditions.addAll(Arrays.asList(sc.constraints()));
    }
    next:
    for (Condition c : conditions) {
      for (Attr a : cur) {
        if (a.path().equals(c.attr().path())) {
          continue next;
        }
      }
      if (added == null) {
        added = new ArrayList<>();
      }
      for (Attr a : added) {
        if (a.path().equals(c.attr().path())) {
          continue next;
        }
      }
      added.add(c.attr());
    }
    if (added != null) {
      Attr[] n = Arrays.copyOf(cur, cur.length + added.size());
      for (int i = 0; i < added.size(); i++) {
        n[cur.length + i] = added.get(i);
      }
      runtimeAttrs = n;
    }
  }

  private static Grant withPrincipal(Grant g, String principal) {
    return new Grant(g.id(), principal, g.holder(), g.parent(), g.task(), g.scopes(), g.constraints(),
        g.notBefore(), g.expiresAt(), g.window(), g.maxCalls(), g.credential());
  }

  /** Revokes a grant; its sub-grants lose their authority with it. Returns the ids cut off. */
  public List<String> revokeGrant(String id) {
    synchronized (lock) {
      Snapshot s = snapshot;
      GrantNode g = find(s, id);
      if (g == null) {
        throw new IllegalArgumentException("no grant '" + id + "'");
      }
      g.markRevoked();
      revokedGrantIds.add(id);
      revision.incrementAndGet();
      List<String> cut = new ArrayList<>();
      collectDescendants(s, id, cut);
      return cut;
    }
  }

  private void collectDescendants(Snapshot s, String id, List<String> out) {
    out.add(id);
    List<String> kids = new ArrayList<>();
    for (GrantNode n : s.docGrants.values()) {
      if (id.equals(n.parentId)) {
        kids.add(n.id);
      }
    }
    for (GrantNode n : runtimeGrants.values()) {
      if (id.equals(n.parentId)) {
        kids.add(n.id);
      }
    }
    kids.sort(null);
    for (String k : kids) {
      if (!out.contains(k)) {
        collectDescendants(s, k, out);
      }
    }
  }

  /** Sets an agent's lifecycle state; a revoked agent stays revoked. */
  public void setAgentState(String agentId, AgentState state) {
    synchronized (lock) {
      Snapshot s = snapshot;
      Agent a = s.agents.get(agentId);
      if (a == null) {
        throw new IllegalArgumentException("no agent '" + agentId + "'"
            + suggestion(agentId, s.agents.keySet()));
      }
      AgentState current = agentOverrides.getOrDefault(agentId, AgentState.ACTIVE);
      if (current == AgentState.REVOKED || a.state() == AgentState.REVOKED) {
        if (state != AgentState.REVOKED) {
          throw new IllegalStateException("agent '" + agentId + "' is revoked; it cannot be " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
        return;
      }
      if (state == AgentState.ACTIVE && s.policy.agent(agentId).state() != AgentState.ACTIVE) {
        throw new IllegalStateException("agent '" + agentId + "' is " + s.policy.agent(agentId).state()
            + " in the policy document; change the document to activate it");
      }
      if (state == AgentState.ACTIVE) {
        agentOverrides.remove(agentId);
      } else {
        agentOverrides.put(agentId, state);
      }
      snapshot = buildSnapshot(s.policy, currentDocGrants(s), "runtime");
      revision.incrementAndGet();
    }
  }

  /** Replaces a principal's current entitlements. */
  public void setEntitlements(String principalId, List<Scope> entitlements) {
    synchronized (lock) {
      Snapshot s = snapshot;
      if (!s.principals.containsKey(principalId)) {
        throw new IllegalArgumentException("no principal '" + principalId + "'"
            + suggestion(principalId, s.principals.keySet()));
      }
      entitlementOverrides.put(principalId, List.copyOf(entitlements));
      snapshot = buildSnapshot(s.policy, currentDocGrants(s), "runtime");
      revision.incrementAndGet();
    }
  }

  /** Swaps the whole policy; runtime grants, revocations and lifecycle changes carry over. */
  public void swap(Policy policy) {
    synchronized (lock) {
      Snapshot s = snapshot;
      Map<String, GrantNode> old = new HashMap<>(s.docGrants);
      List<Problem> problems = new ArrayList<>();
      for (Grant g : policy.grants()) {
        if (runtimeGrants.containsKey(g.id())) {
          problems.add(new Problem(policy.source(), "grants[" + policy.grants().indexOf(g) + "].id",
              "grant id '" + g.id() + "' is already used by a grant issued at runtime", null));
        }
      }
      if (!problems.isEmpty()) {
        throw new PolicyException(problems);
      }
      snapshot = buildSnapshot(policy, old, "swap");
      revision.incrementAndGet();
    }
  }

  private Map<String, GrantNode> currentDocGrants(Snapshot s) {
    return s.docGrants;
  }

  /** Builds a snapshot; document grants keep their call counters from {@code previous} by id. */
  private Snapshot buildSnapshot(Policy policy, Map<String, GrantNode> previous, String why) {
    Map<String, GrantNode> doc = new HashMap<>();
    Map<String, Grant> byId = new HashMap<>();
    for (Grant g : policy.grants()) {
      byId.put(g.id(), g);
    }
    for (Grant g : policy.grants()) {
      String principal = g.principal();
      String issuedBy = g.principal();
      if (g.parent() != null) {
        Grant root = g;
        int guard = 0;
        while (root.parent() != null && guard++ < 64) {
          Grant p = byId.get(root.parent());
          if (p == null) {
            break;
          }
          root = p;
        }
        principal = root.principal();
        Grant parent = byId.get(g.parent());
        issuedBy = parent == null ? "?" : parent.holder();
      }
      GrantNode prev = previous.get(g.id());
      GrantNode node = new GrantNode(g.principal() == null && principal != null ? withPrincipal(g, principal) : g,
          principal == null ? "?" : principal, issuedBy, prev == null ? null : prev.used, true);
      if (revokedGrantIds.contains(g.id())) {
        node.markRevoked();
      }
      doc.put(g.id(), node);
    }
    LOG.debug("installed policy {} ({})", policy.version(), why);
    return new Snapshot(policy, agentOverrides, entitlementOverrides, doc);
  }

  public static String suggestion(String name, Iterable<String> known) {
    String near = Text.closest(name, known);
    return near == null ? "" : " (did you mean '" + near + "'?)";
  }
}
