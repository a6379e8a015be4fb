package dev.remit;

import dev.remit.internal.audit.Digests;
import dev.remit.internal.cache.DecisionCache;
import dev.remit.internal.engine.Engine;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.state.RuntimeState;
import dev.remit.spi.CredentialBroker;
import dev.remit.spi.CredentialRequest;
import dev.remit.spi.DecisionStage;
import dev.remit.spi.StateChange;
import dev.remit.spi.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The embedded decision point: call {@link #authorize} before every tool call an agent makes.
 *
 * <pre>{@code
 * Remit remit = Remit.builder().policy(Policy.load(Path.of("remit.yaml"))).build();
 * Decision d = remit.authorize(Request.of("researcher", "crm", "read").resource("crm/contacts/42").build());
 * if (d.allowed()) { runTool(); }
 * }</pre>
 *
 * <p><b>Thread safety.</b> One instance is meant to be shared by every thread of the host.
 * {@code authorize} is lock-free. Changes ({@link #issue}, {@link #delegate}, {@link #revokeGrant},
 * {@link #suspendAgent}, {@link #restrictEntitlements}, {@link #swapPolicy}…) are serialised, each
 * costs only what it touches, and each is visible to every {@code authorize} call that starts after
 * the change method returns. Decision points sharing a {@link StateStore} apply each other's
 * changes before their next decision, approval or read of the state ({@link #grant},
 * {@link #activeGrants}, {@link #remainingCalls}).
 *
 * <p><b>Pipeline.</b> Request checks → identity and lifecycle → catalog → forbid rules → a grant
 * in a valid delegation chain within the principal's current entitlements → decision stages
 * ({@link Builder#stage}) → require-approval rules → call budgets, charged last. Default deny.
 *
 * <p><b>Auditing.</b> With {@link Builder#audit} every decision, every outcome reported through
 * {@link #report} (which {@link Guard} does) and every change of authority — issuing, refusing,
 * revoking, expiring, approving, lifecycle and entitlement changes, policy swaps (each decision
 * record names the policy version it was made by) — becomes an {@link AuditRecord}; {@code authorize} only hands the record to a queue, which
 * waits at most the trail's {@code maxWait} for room.
 *
 * <p><b>Security guarantees.</b> Default deny. {@code authorize} never throws: a malformed request,
 * an unknown identity, a failing stage, even an {@code Error} during evaluation is a
 * {@link Outcome#DENY} with a reason. A grant bound to a task serves only requests naming that
 * task, and a request naming no task is served only by grants without one. A sub-grant is
 * delegated by the holder of its parent, must narrow it, and stays bound to the principal it was
 * issued for; every decision re-checks the whole chain up to that principal's current
 * entitlements. Approvals are single use, short-lived, bound to one call, and valid only while
 * their approver still holds the role. A rejected policy never replaces the one in force. Reasons
 * carry an operator text and an agent text; only the agent text reaches the agent by default.
 *
 * <p><b>Decision cache.</b> On by default and bounded ({@link Builder#decisionCacheSize}); it never
 * changes an answer. A change invalidates the cached decisions of the agents it touches before the
 * change method returns (a policy swap, all of them); a cached ALLOW is never served past the
 * earliest expiry or outside a time window of its chain; call budgets are charged on every allowed
 * call; requests presenting an approval are always evaluated in full. Design: {@code docs/caching.md}.
 */
public final class Remit implements Authorizer, AutoCloseable {
  /** Default maximum number of cached decisions. */
  public static final long DEFAULT_CACHE_SIZE = 100_000;
  /** Who a change is attributed to when the host application makes it. */
  public static final String HOST = "host";

  private final Engine engine;
  /** The decorator in front of the engine, or null when the cache is off. */
  private final DecisionCache cache;
  private final AuditTrail audit;
  private final DecisionCache.Observer auditObserver;
  private final CredentialBroker broker;
  private final StateStore store;
  private final boolean ownStore;

  private Remit(Builder b) {
    this.audit = b.audit;
    this.store = b.store == null ? StateStore.inMemory() : b.store;
    this.ownStore = b.store == null;
    this.broker = b.broker;
    this.engine = new Engine(b.policy, b.clock, store, List.copyOf(b.stages), b.stageThreads,
        b.audit == null ? dev.remit.internal.engine.Events.NONE : new AuthorityAudit(b.audit),
        b.endedGrantsKept);
    if (!b.restore.isEmpty()) {
      engine.changes().restore(b.restore);
    }
    this.cache = b.cacheSize > 0 ? new DecisionCache(engine, b.cacheSize) : null;
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
   * up the approvals presented, if any.
   */
  @Override
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
   */
  public CacheStats cacheStats() {
    DecisionCache c = cache;
    return c == null ? CacheStats.DISABLED : c.stats();
  }

  /**
   * Issues a root grant on behalf of its principal. Returns the grant as stored.
   *
   * @throws GrantRefusedException if the grant would exceed its principal's current entitlements,
   *     names unknown or inactive identities, reuses an id, or is a sub-grant (use
   *     {@link #delegate}); nothing is issued, and the refusal is audited
   */
  public Grant issue(Grant grant) {
    return engine.changes().issue(Objects.requireNonNull(grant, "grant"));
  }

  /** Issues a root grant from a builder, resolving a relative ttl against this decision point's clock. */
  public Grant issue(Grant.Builder grant) {
    return issue(grant.build(engine.clock().instant()));
  }

  /**
   * Issues a sub-grant delegated by {@code delegator}, which must be the active holder of the
   * grant's parent: an agent (or a component) delegates only what it holds itself — a component
   * does not delegate its parent agent's grants, nor an agent its components'. The sub-grant must
   * narrow its parent and fit the chain's principal's current entitlements; it acts for that
   * principal for good (a later document that re-binds the parent to another principal breaks the
   * chain rather than moving the sub-grant). Returns the grant as stored, with its chain's principal.
   *
   * @throws GrantRefusedException if the delegator does not hold the parent, or the sub-grant would
   *     widen its parent or the principal's entitlements; nothing is issued, the refusal is audited
   */
  public Grant delegate(String delegator, Grant grant) {
    return engine.changes().delegate(Objects.requireNonNull(delegator, "delegator"),
        Objects.requireNonNull(grant, "grant"));
  }

  /** Delegates a sub-grant from a builder, resolving a relative ttl against this decision point's clock. */
  public Grant delegate(String delegator, Grant.Builder grant) {
    return delegate(delegator, grant.build(engine.clock().instant()));
  }

  /**
   * Revokes a grant. The grant and every sub-grant below it stop allowing calls from the next
   * decision on. Returns the ids of the grants cut off: the grant, then its descendants.
   *
   * @throws IllegalArgumentException if no such grant is held now
   */
  public List<String> revokeGrant(String grantId) {
    return engine.changes().revokeGrant(Objects.requireNonNull(grantId, "grantId"), HOST);
  }

  /** Suspends an agent (and with it its components and everything delegated through it). */
  public void suspendAgent(String agentId) {
    engine.changes().setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.SUSPENDED, HOST);
  }

  /** Makes a suspended agent active again. A revoked agent cannot be resumed. */
  public void resumeAgent(String agentId) {
    engine.changes().setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.ACTIVE, HOST);
  }

  /** Revokes an agent for good; it survives policy swaps. */
  public void revokeAgent(String agentId) {
    engine.changes().setAgentState(Objects.requireNonNull(agentId, "agentId"), AgentState.REVOKED, HOST);
  }

  /**
   * Restricts a principal's current entitlements: from the next decision on, every call made for
   * the principal must fit both its entitlements in the policy document <em>and</em> these. The
   * narrower always wins: a restriction never widens what a document grants, and a newer, narrower
   * document narrows a principal that carries a restriction. Grants are not changed, their effect
   * is. Replaces an earlier restriction; survives policy swaps.
   *
   * @throws IllegalArgumentException if the principal is unknown or a scope names tools or
   *     operations the catalog does not have
   */
  public void restrictEntitlements(String principalId, List<Scope> entitlements) {
    engine.changes().restrictEntitlements(Objects.requireNonNull(principalId, "principalId"),
        List.copyOf(Objects.requireNonNull(entitlements, "entitlements")), HOST);
  }

  /** Lifts a principal's runtime restriction: its document entitlements apply alone again. */
  public void liftEntitlementRestriction(String principalId) {
    engine.changes().restrictEntitlements(Objects.requireNonNull(principalId, "principalId"), null, HOST);
  }

  /**
   * Installs a new policy atomically. Grants issued at runtime, revocations, agent lifecycle
   * changes, entitlement restrictions and call budgets (by grant id) carry over.
   *
   * @throws PolicyException if the policy conflicts with runtime state; the old policy stays
   */
  public void swapPolicy(Policy policy) {
    engine.changes().swap(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Records a human approval of exactly this call, in one role, and returns it; present its id as
   * {@code context.approval} when making the call (a list of ids when the call needs approvals in
   * several roles). The approval covers what the call needs approved in that role, is bound to the
   * subject, tool, operation, resource and the attributes the applying rules bind, is valid for one
   * use within {@code ttl}, and only while the approver still holds the role.
   *
   * @throws IllegalArgumentException if the approver is not a human principal holding {@code role},
   *     or nothing the call needs approved asks for that role
   * @throws IllegalStateException if the call needs no approval: it is allowed as it is, or denied
   */
  @Override
  public Approval approve(Request request, String approver, String role, Duration ttl) {
    return engine.changes().approve(Objects.requireNonNull(request, "request"),
        Objects.requireNonNull(approver, "approver"), Objects.requireNonNull(role, "role"),
        Objects.requireNonNull(ttl, "ttl"), 1);
  }

  @Override
  public List<Credential> credentials(Request request, Decision decision) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(decision, "decision");
    if (!decision.allowed()) {
      throw new IllegalArgumentException("credentials are minted for an allowed call only; decision "
          + decision.id() + " is " + decision.outcome());
    }
    List<Obligation.MintCredential> wanted = decision.obligations(Obligation.MintCredential.class);
    if (wanted.isEmpty()) {
      return List.of();
    }
    if (broker == null) {
      return List.of(); // the host mints from the obligation itself
    }
    if (decision.chain() == null) {
      throw new CredentialUnavailableException(decision, "decision " + decision.id()
          + " needs a credential but carries no delegation chain to mint it for", null);
    }
    Instant now = engine.clock().instant();
    List<Credential> out = new ArrayList<>(wanted.size());
    for (Obligation.MintCredential o : wanted) {
      Credential c;
      try {
        c = broker.mint(new CredentialRequest(request, decision, o, decision.chain()));
      } catch (Exception | Error e) {
        // whatever the broker throws (an AssertionError, a StackOverflowError too) means no
        // credential: the enforcement point records the call as blocked and releases its budget
        throw new CredentialUnavailableException(decision, "the credential broker failed for decision "
            + decision.id() + ": " + e, e);
      }
      if (c == null || !c.audience().equals(o.audience()) || !o.scopes().containsAll(c.scopes())
          || c.expiresAt().isAfter(now.plus(o.ttl()).plusSeconds(1))) {
        throw new CredentialUnavailableException(decision, "the credential broker answered "
            + (c == null ? "nothing" : "a credential for " + c.audience() + " with scopes " + c.scopes()
                + " until " + c.expiresAt())
            + ", not one for " + o.audience() + " with scopes within " + o.scopes() + " living at most " + o.ttl(), null);
      }
      out.add(c);
    }
    return out;
  }

  @Override
  public void report(Request request, Decision decision, CallReport report) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(report, "report");
    boolean refunded = false;
    if (report.refund() && decision.allowed()) {
      engine.refund(decision);
      refunded = true;
    }
    AuditTrail a = audit;
    if (a != null) {
      String executed = report.executedArgs() == null ? null : Digests.args(report.executedArgs());
      a.executed(request, decision, report.status(), executed, report.duration().toNanos(), report.changes(),
          report.credentials(), report.error(), refunded, engine.clock().instant());
    }
  }

  /** Returns the policy in force. */
  public Policy policy() {
    return engine.snapshot().policy;
  }

  /** Returns the grant with that id as held now (document, or runtime and not ended), or null. */
  public Grant grant(String grantId) {
    engine.sync();
    GrantNode g = engine.grant(grantId);
    return g == null ? null : g.grant;
  }

  /**
   * Returns the active grants: those of the policy document that are not revoked or expired, then
   * those issued at runtime, in issue order.
   */
  public List<Grant> activeGrants() {
    engine.sync();
    return engine.activeGrants(engine.clock().millis());
  }

  /**
   * Returns the state changes that rebuild this decision point's runtime state on the same policy:
   * the active runtime grants, revocations of document grants, lifecycle overrides, entitlement
   * restrictions, open approvals and the counters of call budgets and approval uses. Give them to
   * {@link Builder#restore} of a new decision point (after a restart, or to move the state).
   */
  public List<StateChange> exportState() {
    return engine.changes().export();
  }

  /** Returns how many calls the grant has left on its own budget, or {@link Long#MAX_VALUE}. */
  public long remainingCalls(String grantId) {
    engine.sync();
    GrantNode g = engine.grant(grantId);
    if (g == null) {
      throw new IllegalArgumentException("no grant '" + grantId + "'");
    }
    return g.remaining();
  }

  /**
   * Returns the revision of the runtime state: the sequence number of the last state change in
   * force here (it grows with every grant issued or revoked, lifecycle, entitlement and approval
   * change). Policy swaps are told apart by {@link Policy#version()}.
   */
  public long revision() {
    return engine.revision();
  }

  @Override
  public Clock clock() {
    return engine.clock();
  }

  /**
   * Returns the engine behind this decision point. Package-private, not API: for the tests of this
   * package, which check the runtime state's bounds and the stage failure count through it.
   */
  Engine engine() {
    return engine;
  }

  /** Returns the audit trail given to the builder, or null if decisions are not audited. */
  public AuditTrail auditTrail() {
    return audit;
  }

  /**
   * Closes the audit trail given to the builder, if any, flushing it, and stops the stage threads;
   * decisions still work (stages on worker threads then fail closed).
   */
  @Override
  public void close() {
    engine.close();
    if (ownStore) {
      store.close();
    }
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
    private final List<DecisionStage> stages = new ArrayList<>();
    private int stageThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private StateStore store;
    private CredentialBroker broker;
    private int endedGrantsKept = RuntimeState.DEFAULT_MAX_ENDED;
    private List<StateChange> restore = List.of();

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
     * Adds a decision stage, run after the native checks allow a call (in the order added); see
     * {@link DecisionStage}.
     *
     * @throws IllegalArgumentException if a stage of that name was added already
     */
    public Builder stage(DecisionStage stage) {
      Objects.requireNonNull(stage, "stage");
      String name = Objects.requireNonNull(stage.name(), "stage name");
      for (DecisionStage s : stages) {
        if (s.name().equals(name)) {
          throw new IllegalArgumentException("a decision stage named '" + name + "' was added already");
        }
      }
      stages.add(stage);
      return this;
    }

    /** Sets how many threads run stages whose isolation is a worker thread (default: the processors, at least 2). */
    public Builder stageThreads(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("stage threads must be between 1 and 1024, was " + threads);
      }
      this.stageThreads = threads;
      return this;
    }

    /**
     * Keeps the runtime state in this store (default: a new in-memory store). Decision points sharing
     * a store see each other's changes and spend the same budgets; the store is not closed by
     * {@link Remit#close()}.
     */
    public Builder store(StateStore s) {
      this.store = Objects.requireNonNull(s, "store");
      return this;
    }

    /** Mints the credentials allowed calls need ({@link Authorizer#credentials}). */
    public Builder credentialBroker(CredentialBroker b) {
      this.broker = Objects.requireNonNull(b, "broker");
      return this;
    }

    /**
     * Sets how many ended (revoked or expired) runtime grants are kept, in all, so that a denial can
     * say precisely why (default {@value RuntimeState#DEFAULT_MAX_ENDED}; 0 keeps none).
     */
    public Builder endedGrantsKept(int n) {
      if (n < 0 || n > 10_000_000) {
        throw new IllegalArgumentException("ended grants kept must be between 0 and 10,000,000, was " + n);
      }
      this.endedGrantsKept = n;
      return this;
    }

    /** Starts from a state exported with {@link Remit#exportState()} (on the same policy). */
    public Builder restore(List<StateChange> changes) {
      this.restore = List.copyOf(Objects.requireNonNull(changes, "changes"));
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
