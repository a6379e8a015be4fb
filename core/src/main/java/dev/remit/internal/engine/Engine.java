package dev.remit.internal.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.internal.policy.Attr;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.state.AgentSlot;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.state.RuntimeState;
import dev.remit.spi.DecisionStage;
import dev.remit.spi.StateChange;
import dev.remit.spi.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native decision engine: the policy in force ({@link Snapshot}), the runtime state built from
 * the state store's feed ({@link RuntimeState}), the evaluation pipeline ({@link Evaluator}), the
 * decision stages and the open approvals.
 *
 * <p>Decisions are lock-free: they read the volatile snapshot once and the concurrent indexes.
 * Every change takes one lock, catches up with the store's feed, is validated, appended to the
 * store and applied; it is visible to any decision that starts after the change method returns.
 * Each change costs what it touches (O(log n) to issue; the grant and what hangs below it to
 * revoke; what an agent holds and delegated to suspend it), never the size of the whole state.
 * The state-changing methods live in {@link Changes}.
 */
public final class Engine implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("dev.remit.engine");
  /** Most expired grants one decision takes out of the indexes, when it finds some due. */
  static final int SWEEP_BATCH = 256;

  /**
   * What an evaluation tells the decision cache beyond the decision: until when its answer holds
   * by time alone, whether it may be cached at all, the grant it charged. One per thread.
   */
  public static final class Trace {
    /** The first instant at which the validity in time of a grant examined may change. */
    public long until;
    /** The decision depends on something no version tracks (a budget, a failure): do not cache. */
    public boolean uncacheable;
    /** The subject is not an agent of the policy (such decisions are not cached). */
    public boolean unknownSubject;
    /** The leaf grant an ALLOW charged, or null. */
    public GrantNode matched;
    /** What the call needs approvals for (set when it needs any). */
    List<Approvals.Requirement> requirements;

    public void reset() {
      until = Long.MAX_VALUE;
      uncacheable = false;
      unknownSubject = false;
      matched = null;
      requirements = null;
    }
  }

  /** A trace nobody reads: shared, written racily, for decisions made without a cache. */
  public static final Trace DISCARD = new Trace();

  final Clock clock;
  final ReentrantLock lock = new ReentrantLock();
  volatile Snapshot snapshot;
  public final RuntimeState state;
  final StateStore store;
  final Approvals approvals = new Approvals();
  final StageRunner stages;
  final Evaluator evaluator;
  final Events events;
  /** Sequence number of the last change of the store's feed applied here. */
  volatile long applied;
  /** Another instance appended to the shared store: catch up before the next decision. */
  private volatile boolean remotePending;
  private final AtomicLong decisions = new AtomicLong();
  private final String idPrefixDash;
  private volatile Attr[] runtimeAttrs = new Attr[0];
  private volatile Instant lastInstant = Instant.EPOCH;
  /** Decision ids whose budget was refunded: a refund is honoured once per decision. */
  private final Cache<String, Boolean> refunded = Caffeine.newBuilder().maximumSize(100_000).build();
  private final Changes changes;

  public Engine(Policy policy, Clock clock, StateStore store, List<DecisionStage> stages, int stageThreads,
      Events events, int maxEnded) {
    this.clock = clock;
    this.store = store;
    this.events = events;
    this.state = new RuntimeState(maxEnded);
    this.stages = new StageRunner(stages, stageThreads);
    this.evaluator = new Evaluator(this);
    this.idPrefixDash = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
        .substring(0, 10) + "-";
    this.changes = new Changes(this);
    lock.lock();
    try {
      this.snapshot = new Snapshot(policy, store, state::docRevoked);
      store.subscribe(() -> {
        if (!lock.isHeldByCurrentThread()) {
          remotePending = true;
        }
      });
      changes.catchUp();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the state-changing operations. */
  public Changes changes() {
    return changes;
  }

  public Clock clock() {
    return clock;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Returns the sequence number of the last state change applied. */
  public long revision() {
    return applied;
  }

  /** Returns the decision stages, in order. */
  public DecisionStage[] stages() {
    return stages.stages();
  }

  /** Returns the stages' revisions now, in order. */
  public long[] stageRevisions() {
    return stages.revisions();
  }

  /** Returns the revision of stage {@code i} now. */
  public long stageRevision(int i) {
    return stages.revision(i);
  }

  /**
   * Returns the time budget of stage {@code i} in nanoseconds: the one read and validated when the
   * decision point was built, which is the one enforced (the stage is not asked again per decision,
   * so a stage whose {@code timeBudget()} later throws fails as a stage, not as the evaluation).
   */
  long stageBudget(int i) {
    return stages.budget(i);
  }

  /** Returns how many stage calls failed (threw, timed out, answered garbage, found no thread). */
  public long stageFailures() {
    return stages.failures();
  }

  /** Returns the slot of a subject the policy knows, or null for an unknown one. */
  public AgentSlot slotOf(String subject) {
    if (subject == null || !snapshot.agents.containsKey(subject)) {
      return null;
    }
    AgentSlot s = state.agent(subject);
    return s != null ? s : state.slot(subject);
  }

  /** Catches up with changes other instances appended to a shared store, if any are pending. */
  public void sync() {
    if (remotePending) {
      lock.lock();
      try {
        changes.catchUp();
      } finally {
        lock.unlock();
      }
    }
  }

  boolean takeRemotePending() {
    boolean p = remotePending;
    remotePending = false;
    return p;
  }

  /** Marks that this instance is behind the store: the next decision must catch up first. */
  void markRemotePending() {
    remotePending = true;
  }

  // ---------------------------------------------------------------- decisions

  /** Returns the decision for {@code r}; never throws. */
  public Decision decide(Request r) {
    return decide(r, clock.millis(), DISCARD);
  }

  /**
   * Returns the decision for {@code r} at {@code now} (epoch millis, read once by the caller from
   * this engine's clock), telling {@code t} what the cache needs. Never throws: whatever fails
   * (a stage, a host's value, even an Error) is a DENY with {@code EVALUATION_ERROR}.
   */
  public Decision decide(Request r, long now, Trace t) {
    Snapshot s = snapshot;
    long rev = applied;
    try {
      sync();
      if (now >= state.nextExpiry()) {
        changes.trySweep(now);
      }
      s = snapshot;
      rev = applied;
      return evaluator.evaluate(r, s, now, rev, t, false);
    } catch (Throwable e) {
      t.uncacheable = true;
      return failClosed(r, s, now, rev, e);
    }
  }

  private Decision failClosed(Request r, Snapshot s, long now, long rev, Throwable e) {
    try {
      LOG.warn("evaluation failed; denying (fail closed)", e);
      return evaluator.deny(r, s, now, rev, null, null, new Reason(ReasonCode.EVALUATION_ERROR,
          "evaluation failed: " + Messages.failure(e)));
    } catch (Throwable again) {
      // nothing could be built (out of memory): a prepared answer, still a denial
      return FALLBACK;
    }
  }

  private static final Decision FALLBACK = new Decision("remit-fail-closed", Outcome.DENY,
      List.of(new Reason(ReasonCode.EVALUATION_ERROR, "evaluation failed and no decision could be built")),
      List.of(), null, null, null, null, null, "unknown", 0, Instant.EPOCH);

  /** Returns the effective state of an agent: its own, and that of the agent it is part of. */
  AgentState effectiveState(Snapshot s, Agent agent) {
    AgentState own = ownState(agent);
    if (own != AgentState.ACTIVE || agent.partOf() == null) {
      return own;
    }
    Agent parent = s.agents.get(agent.partOf());
    return parent == null ? AgentState.REVOKED : ownState(parent);
  }

  /** Returns the worse of the document's state of an agent and the one set at runtime. */
  AgentState ownState(Agent agent) {
    AgentSlot slot = state.agent(agent.id());
    AgentState o = slot == null ? null : slot.override();
    return o == null || o.ordinal() <= agent.state().ordinal() ? agent.state() : o;
  }

  /** Returns the grant with that id (document, or active runtime), or null. */
  public GrantNode find(Snapshot s, String id) {
    GrantNode g = s.docGrants.get(id);
    return g != null ? g : state.grant(id);
  }

  /** Returns the grant with that id as held now, or null. */
  public GrantNode grant(String id) {
    return find(snapshot, id);
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
    for (int guard = 0; g != null && guard <= s.maxDepth + 1; guard++) {
      hops.add(new DelegationChain.Hop(g.id, g.holder, g.issuedBy, g.task));
      if (g.parentId == null) {
        break;
      }
      g = find(s, g.parentId);
    }
    if (g == null || g.parentId != null) {
      return null;
    }
    Collections.reverse(hops);
    DelegationChain c = new DelegationChain(leaf.principal, hops);
    leaf.cacheChain(s, c);
    return c;
  }

  /** Returns the active grants: the document's that have not ended, then those issued at runtime. */
  public List<Grant> activeGrants(long now) {
    List<Grant> out = new ArrayList<>();
    List<GrantNode> doc = new ArrayList<>(snapshot.docGrants.values());
    doc.sort((a, b) -> a.id.compareTo(b.id));
    for (GrantNode g : doc) {
      if (!g.revoked() && now < g.expiresAt) {
        out.add(g.grant);
      }
    }
    for (GrantNode g : state.activeGrants()) {
      if (!g.revoked() && now < g.expiresAt) {
        out.add(g.grant);
      }
    }
    return out;
  }

  /**
   * Releases the call budget an ALLOW decision charged: one call on every limited grant of its
   * chain still held. Honoured once per decision id, also across the decision points sharing the
   * store: the mark that it was is a counter of the store, kept until the chain's limited grants
   * expire (after which their budgets no longer matter); the last 100,000 refunded ids are also
   * remembered here, so a repeated report does not reach the store.
   */
  public void refund(Decision d) {
    if (d.outcome() != Outcome.ALLOW || d.chain() == null) {
      return;
    }
    try {
      sync(); // grants another instance issued: their counters are the store's, found here by id
    } catch (RuntimeException behind) {
      // this instance cannot catch up (it denies every decision meanwhile); a report must not
      // throw for that: give back what the grants known here charged
      LOG.warn("refund of decision {} made without catching up with the state store", d.id(), behind);
    }
    Snapshot s = snapshot;
    List<GrantNode> limited = new ArrayList<>(2);
    long keep = Long.MIN_VALUE;
    for (DelegationChain.Hop h : d.chain().hops()) {
      GrantNode g = find(s, h.grant());
      if (g != null && g.budget != null) {
        limited.add(g);
        keep = Math.max(keep, g.expiresAt);
      }
    }
    if (limited.isEmpty() || refunded.asMap().putIfAbsent(d.id(), Boolean.TRUE) != null
        || !store.counter(refundKey(d.id()), Instant.ofEpochMilli(keep)).tryIncrement(1)) {
      return;
    }
    for (GrantNode g : limited) {
      if (g.used() > 0) {
        g.refund();
      }
    }
  }

  static String refundKey(String decisionId) {
    return "refund:" + decisionId;
  }

  // ---------------------------------------------------------------- ids, time, cache key layout

  /** Returns {@code now} as an Instant, reusing the last one made when the millisecond is the same. */
  public Instant instant(long now) {
    Instant i = lastInstant;
    if (i.toEpochMilli() != now) {
      i = Instant.ofEpochMilli(now);
      lastInstant = i;
    }
    return i;
  }

  private static final int ID_BLOCK = 1024;
  private final ThreadLocal<long[]> idBlocks = ThreadLocal.withInitial(() -> new long[2]);

  /** Returns a new decision id, unique within this engine (random hex prefix, then a decimal counter). */
  public String nextDecisionId() {
    // each thread takes a block of counter values, so concurrent callers do not contend on one
    // atomic; ids stay unique, not ordered across threads
    long[] block = idBlocks.get();
    if (block[0] == block[1]) {
      block[0] = decisions.getAndAdd(ID_BLOCK) + 1;
      block[1] = block[0] + ID_BLOCK;
    }
    return idPrefixDash + block[0]++;
  }

  /**
   * Returns the attributes (deduplicated by path) that constraints of runtime-issued grants read;
   * replaced, before the grant is visible, by every issue that adds a path. Do not modify.
   */
  public Attr[] runtimeAttributes() {
    return runtimeAttrs;
  }

  /** Adds the paths a new runtime grant's constraints read to the cache key layout (lock held). */
  void addRuntimeAttributes(GrantNode node) {
    addRuntimeAttributes(node.constraints, node.scopes);
  }

  /**
   * Adds the paths these constraints and scopes read to the cache key layout (lock held), before
   * what holds them can be seen: a decision that sees it then finds the layout changed.
   */
  void addRuntimeAttributes(Condition[] constraints, CompiledScope[] scopes) {
    Attr[] cur = runtimeAttrs;
    List<Attr> added = null;
    List<Condition> conditions = new ArrayList<>(Arrays.asList(constraints));
    for (CompiledScope sc : scopes) {
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

  static Grant withPrincipal(Grant g, String principal) {
    return new Grant(g.id(), principal, g.holder(), g.parent(), g.task(), g.scopes(), g.constraints(),
        g.notBefore(), g.expiresAt(), g.window(), g.maxCalls(), g.credential());
  }

  static String budgetKey(String grantId) {
    return "grant:" + grantId;
  }

  /** Stops the stage threads; decisions still work (stages on worker threads then fail closed). */
  @Override
  public void close() {
    stages.close();
  }

  /** Returns the store's record of a change, for the changes' own use. */
  static StateChange.GrantIssued issued(Instant at, Grant g, String principal, String issuedBy) {
    return new StateChange.GrantIssued(at, g, principal, issuedBy);
  }
}
