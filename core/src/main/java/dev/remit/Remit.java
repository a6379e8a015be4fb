package dev.remit;

import dev.remit.internal.cache.DecisionCache;
import dev.remit.internal.engine.Engine;
import dev.remit.internal.state.GrantNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The decision point: call {@link #authorize} before every tool call an agent makes.
 *
 * <pre>{@code
 * Remit remit = Remit.builder().policy(Policy.load(Path.of("remit.yaml"))).build();
 * Decision d = remit.authorize(Request.of("researcher", "crm", "read").resource("crm/contacts/42").build());
 * if (d.allowed()) { runTool(); }
 * }</pre>
 *
 * <p><b>Thread safety.</b> One instance is meant to be shared by every thread of the host.
 * {@code authorize} is lock-free. Changes ({@link #issue}, {@link #revokeGrant},
 * {@link #suspendAgent}, {@link #setEntitlements}, {@link #swapPolicy}…) are serialised and each is
 * visible to every {@code authorize} call that starts after the change method returns.
 *
 * <p><b>Auditing.</b> With {@link Builder#audit} every decision, every outcome reported through a
 * {@link Guard} and every revocation becomes an {@link AuditRecord}; {@code authorize} only hands
 * the record to a queue (no I/O on the caller's thread). {@link #close()} flushes the trail.
 *
 * <p><b>Security guarantees.</b> Default deny. {@code authorize} never throws: a malformed request,
 * an unknown identity or an evaluation error is a {@link Outcome#DENY} with a reason. Every
 * decision re-checks the whole delegation chain up to the original principal's current
 * entitlements. A rejected policy never replaces the one in force.
 *
 * <p><b>Decision cache.</b> On by default and bounded ({@link Builder#decisionCacheSize}); it never
 * changes an answer. Every change above invalidates it before the change method returns, a cached
 * ALLOW is never served past the earliest expiry or outside a time window of its chain, call
 * budgets are charged on every allowed call, and requests presenting an approval are always
 * evaluated in full. Statistics: {@link #cacheStats()}; design: {@code docs/caching.md}.
 */
public final class Remit implements AutoCloseable {
  /** Default maximum number of cached decisions. */
  public static final long DEFAULT_CACHE_SIZE = 100_000;

  private final Engine engine;
  /** The decorator in front of the engine, or null when the cache is off. */
  private final DecisionCache cache;
  private final AuditTrail audit;
  private final DecisionCache.Observer auditObserver;

  private Remit(Builder b) {
    this.engine = new Engine(b.policy, b.clock);
    this.cache = b.cacheSize > 0 ? new DecisionCache(engine, b.cacheSize) : null;
    this.audit = b.audit;
    AuditTrail a = b.audit;
    this.auditObserver = a == null ? null
        : (request, decision, start, cached) -> a.decided(request, decision, System.nanoTime() - start, cached);
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the decision for one call: ALLOW, DENY or REQUIRE_APPROVAL, with reasons. Never null,
   * never throws. An ALLOW charges the call budget of every limited grant in the chain and uses
   * up the approval presented, if any.
   */
  public Decision authorize(Request request) {
    DecisionCache c = cache;
    AuditTrail a = audit;
    if (a == null) {
      return c == null ? engine.decide(request) : c.decide(request);
    }
    long start = System.nanoTime();
    if (c != null) {
      return c.decide(request, auditObserver, start);
    }
    Decision d = engine.decide(request);
    a.decided(request, d, System.nanoTime() - start, false);
    return d;
  }

  /**
   * Returns the statistics of the decision cache, or {@link CacheStats#DISABLED} when it is off.
   * The cache never changes an answer: see {@code docs/caching.md} for what it keys and when an
   * entry stops being served.
   */
  public CacheStats cacheStats() {
    DecisionCache c = cache;
    return c == null ? CacheStats.DISABLED : c.stats();
  }

  /**
   * Returns the ALLOW decision for the call, or throws so the call cannot run by accident.
   *
   * @throws ApprovalRequiredException when a human must approve this exact call first
   * @throws NotAuthorizedException when the call is denied
   */
  public Decision enforce(Request request) {
    Decision d = authorize(request);
    switch (d.outcome()) {
      case ALLOW:
        return d;
      case REQUIRE_APPROVAL:
        throw new ApprovalRequiredException(d);
      default:
        throw new NotAuthorizedException(d);
    }
  }

  /**
   * Returns the decisions for a batch of calls, in order, under the given semantic. With
   * {@link BatchSemantic#DENY_ON_FIRST_DENY} the list ends at the first decision that is not an
   * ALLOW; with {@link BatchSemantic#PERMIT_ON_FIRST_PERMIT} at the first ALLOW.
   */
  public List<Decision> authorizeAll(List<Request> requests, BatchSemantic semantic) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(semantic, "semantic");
    List<Decision> out = new ArrayList<>(requests.size());
    for (Request r : requests) {
      Decision d = authorize(r);
      out.add(d);
      if (semantic == BatchSemantic.DENY_ON_FIRST_DENY && !d.allowed()) {
        break;
      }
      if (semantic == BatchSemantic.PERMIT_ON_FIRST_PERMIT && d.allowed()) {
        break;
      }
    }
    return out;
  }

  /**
   * Issues a grant: a root grant on behalf of its principal, or a sub-grant delegated by the holder
   * of its parent. Returns the grant as stored (a sub-grant gets its chain's principal).
   *
   * @throws GrantRefusedException if the grant would exceed its parent or its principal's
   *     entitlements, or refers to unknown or inactive identities; nothing is issued
   */
  public Grant issue(Grant grant) {
    return engine.issue(Objects.requireNonNull(grant, "grant"));
  }

  /** Issues a grant from a builder, resolving a relative ttl against this decision point's clock. */
  public Grant issue(Grant.Builder grant) {
    return issue(grant.build(engine.clock().instant()));
  }

  /**
   * Revokes a grant. The grant and every sub-grant below it stop allowing calls from the next
   * decision on. Returns the ids of the grants cut off: the grant, then its descendants.
   *
   * @throws IllegalArgumentException if there is no such grant
   */
  public List<String> revokeGrant(String grantId) {
    List<String> cut = engine.revokeGrant(Objects.requireNonNull(grantId, "grantId"));
    revoked("grant", grantId, "revoke-grant", cut);
    return cut;
  }

  /** Suspends an agent (and with it its components and everything delegated through it). */
  public void suspendAgent(String agentId) {
    engine.setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.SUSPENDED);
    revoked("agent", agentId, "suspend-agent", List.of());
  }

  /** Makes a suspended agent active again. A revoked agent cannot be resumed. */
  public void resumeAgent(String agentId) {
    engine.setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.ACTIVE);
  }

  /** Revokes an agent for good; it survives policy swaps. */
  public void revokeAgent(String agentId) {
    engine.setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.REVOKED);
    revoked("agent", agentId, "revoke-agent", List.of());
  }

  /**
   * Records a revocation or an agent state change the host made. The engine does not report the
   * sequence number of the change yet, and reading {@link #revision()} afterwards could name a
   * concurrent later change, so the record says -1 (none).
   */
  private void revoked(String target, String id, String action, List<String> affected) {
    if (audit != null) {
      audit.authority(new AuditRecord.AuthorityRecord(engine.clock().instant(), -1, action,
          AuditRecord.AuthorityRecord.HOST, target, id, affected, java.util.Map.of()));
    }
  }

  /**
   * Replaces a principal's current entitlements. Every agent acting for the principal is narrowed
   * from the next decision on; grants are not changed, their effect is.
   */
  public void setEntitlements(String principalId, List<Scope> entitlements) {
    engine.setEntitlements(Objects.requireNonNull(principalId, "principalId"),
        Objects.requireNonNull(entitlements, "entitlements"));
  }

  /**
   * Installs a new policy atomically. Grants issued at runtime, revocations, agent lifecycle
   * changes and entitlement changes made at runtime carry over; call budgets of grants that keep
   * their id carry over too.
   *
   * @throws PolicyException if the policy conflicts with runtime state; the old policy stays
   */
  public void swapPolicy(Policy policy) {
    engine.swap(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Records a human approval of exactly this call and returns it; present its id as
   * {@code context.approval} when making the call. The approval is bound to the subject, tool,
   * operation, resource and the attributes the applying rules bind, and is valid for one use within
   * {@code ttl}.
   *
   * @throws IllegalArgumentException if the approver is not a human principal holding {@code role},
   *     or the role is not the one an applying rule asks for
   * @throws IllegalStateException if no require-approval rule applies to the call
   */
  public Approval approve(Request request, String approver, String role, Duration ttl) {
    return engine.approve(Objects.requireNonNull(request, "request"), Objects.requireNonNull(approver, "approver"),
        Objects.requireNonNull(role, "role"), Objects.requireNonNull(ttl, "ttl"), 1);
  }

  /** Returns the policy in force. */
  public Policy policy() {
    return engine.snapshot().policy;
  }

  /** Returns the grant with that id as held now (document or runtime), or null. */
  public Grant grant(String grantId) {
    GrantNode g = engine.grant(grantId);
    return g == null ? null : g.grant;
  }

  /** Returns how many calls the grant has left on its own budget, or {@link Long#MAX_VALUE}. */
  public long remainingCalls(String grantId) {
    GrantNode g = engine.grant(grantId);
    if (g == null) {
      throw new IllegalArgumentException("no grant '" + grantId + "'");
    }
    return g.remaining();
  }

  /** Returns the revision of the runtime state: it grows with every change. */
  public long revision() {
    return engine.revision();
  }

  /** Returns the clock decisions are made by. */
  public Clock clock() {
    return engine.clock();
  }

  /** Returns the audit trail given to the builder, or null if decisions are not audited. */
  public AuditTrail auditTrail() {
    return audit;
  }

  /**
   * Releases the call budget an ALLOW decision charged on the limited grants of its chain (used by
   * {@link Guard} for a failed call under {@link Guard.BudgetPolicy#REFUND_FAILED_CALLS}). Call it
   * at most once per decision.
   */
  void refund(Decision decision) {
    engine.refund(decision);
  }

  /** Closes the audit trail given to the builder, if any, flushing it; decisions still work. */
  @Override
  public void close() {
    if (audit != null) {
      audit.close();
    }
  }

  /** Builder for {@link Remit}. */
  public static final class Builder {
    private Policy policy;
    private Clock clock = Clock.systemUTC();
    private long cacheSize = DEFAULT_CACHE_SIZE;
    private AuditTrail audit;

    private Builder() {}

    /**
     * Sets the maximum number of entries of the decision cache (default
     * {@value #DEFAULT_CACHE_SIZE}); see {@code docs/caching.md}.
     */
    public Builder decisionCacheSize(long maximumSize) {
      if (maximumSize <= 0) {
        throw new IllegalArgumentException("decision cache size must be positive, was " + maximumSize
            + "; use withoutDecisionCache() to turn the cache off");
      }
      this.cacheSize = maximumSize;
      return this;
    }

    /** Turns the decision cache off: every call is evaluated in full. */
    public Builder withoutDecisionCache() {
      this.cacheSize = 0;
      return this;
    }

    /** Sets the policy to decide by (required). */
    public Builder policy(Policy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /**
     * Records every decision, guarded call outcome and change of authority in this audit trail;
     * see {@code docs/audit.md}. A trail without a clock of its own adopts this decision point's
     * clock when the Remit is built ({@link AuditTrail#clock()}); {@link #build()} refuses a trail
     * already serving a decision point with another clock. {@link Remit#close()} closes it.
     */
    public Builder audit(AuditTrail trail) {
      this.audit = Objects.requireNonNull(trail, "trail");
      return this;
    }

    /** Sets the clock (tests and reproducible checks use a fixed or fake one). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * Returns the decision point.
     *
     * @throws IllegalStateException if no policy was set, or the audit trail already serves a
     *     decision point with another clock
     */
    public Remit build() {
      if (policy == null) {
        throw new IllegalStateException("a policy is required: Remit.builder().policy(...)");
      }
      if (audit != null) {
        audit.attach(clock); // every record carries this decision point's time
      }
      return new Remit(this);
    }
  }
}
