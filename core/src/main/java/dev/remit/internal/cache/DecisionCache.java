package dev.remit.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.remit.CacheStats;
import dev.remit.Decision;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.Request;
import dev.remit.TimeWindow;
import dev.remit.internal.engine.Engine;
import dev.remit.internal.engine.Snapshot;
import dev.remit.internal.policy.Attr;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.state.AgentSlot;
import dev.remit.internal.state.GrantNode;
import dev.remit.spi.DecisionStage;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded cache of decisions in front of an {@link Engine}: a decorator around evaluation.
 *
 * <p><b>Security guarantees.</b> An entry is served only while nothing it depends on has changed:
 * the policy epoch (every swap), the version of the subject's {@link AgentSlot} (every change that
 * may change a decision of this agent bumps it, after the change is in place: a grant issued to it
 * or cut off from it, its lifecycle or its parent agent's, a delegator's, the entitlements of a
 * principal it acts for) and the revision of every decision stage — all read before the
 * evaluation that made the entry, so neither an entry made before a change nor one made by an
 * evaluation in flight during it is served after the change returns. A change to another agent
 * leaves this agent's entries alone. An entry is also served only while the clock is inside the
 * interval in which no not-before, expiry or time-window boundary it depends on can change the
 * answer, and, for an ALLOW, only after the call budget of every limited grant in its chain has
 * been charged again. Requests presenting an approval, by an unknown subject, or whose evaluation
 * failed are never cached.
 *
 * <p>The key holds every request value evaluation reads: subject, tool, operation, resource,
 * {@code context.task}, {@code resource.type} if anything reads it, the value of every request
 * attribute a constraint or rule in force refers to, what the stages declare they read (the whole
 * input for a stage that reads everything); other context (trace ids, timestamps) is ignored. See
 * {@code docs/caching.md}.
 *
 * <p>Thread-safe; a hit does not allocate beyond the decision it returns.
 */
public final class DecisionCache {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.remit.cache");
  private static final GrantNode[] NONE = new GrantNode[0];
  private static final ZoneId[] NO_ZONES = new ZoneId[0];
  private static final long[] NO_REVISIONS = new long[0];

  private final Engine engine;
  private final long maximumSize;
  private final Cache<Key, Entry> cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder invalidated = new LongAdder();
  private final LongAdder bypassed = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final ThreadLocal<Key> probes = ThreadLocal.withInitial(Key::new);
  private final ThreadLocal<Engine.Trace> traces = ThreadLocal.withInitial(Engine.Trace::new);
  private final int stageCount;
  private volatile Plan plan;

  public DecisionCache(Engine engine, long maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("decision cache size must be positive, was " + maximumSize);
    }
    this.engine = Objects.requireNonNull(engine, "engine");
    this.maximumSize = maximumSize;
    this.stageCount = engine.stages().length;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .evictionListener((Key k, Entry v, com.github.benmanes.caffeine.cache.RemovalCause c) -> evictions.increment())
        .build();
  }

  /** Told of every decision and whether the cache served it (the audit trail records both). */
  @FunctionalInterface
  public interface Observer {
    void decided(Request request, Decision decision, long startNanos, boolean cached);
  }

  /** Returns the decision for {@code r}, from the cache when a usable entry exists. */
  public Decision decide(Request r) {
    return decide(r, null, 0);
  }

  /**
   * Like {@link #decide(Request)}; when {@code observer} is not null, tells it of the decision,
   * passing {@code startNanos} through, before returning it.
   */
  public Decision decide(Request r, Observer observer, long startNanos) {
    long now = engine.clock().millis();
    try {
      engine.sync(); // changes other instances made are applied before anything is served
    } catch (Throwable ex) {
      bypassed.increment(); // the engine fails closed on whatever this was
      return uncached(r, now, observer, startNanos);
    }
    if (r == null || r.context().get("approval") != null) {
      bypassed.increment();
      return uncached(r, now, observer, startNanos);
    }
    // read first: a change moves the revision on only after it has bumped the stamps it concerns
    long rev = engine.revision();
    Plan p;
    Key probe = probes.get();
    Entry e;
    try {
      p = plan();
      if (!probe.fill(r, p)) {
        probe.clear();
        bypassed.increment();
        return uncached(r, now, observer, startNanos);
      }
      e = cache.getIfPresent(probe);
    } catch (Throwable ex) {
      // e.g. a caller's nested map that throws on get: the engine fails closed on it, and the cache
      // must not throw where the engine would not
      LOG.debug("request not keyable; evaluating without the cache", ex);
      probe.clear();
      bypassed.increment();
      return uncached(r, now, observer, startNanos);
    }
    if (e != null) {
      // the entry holds its subject's stamp: it is served only while no change touched that subject
      if (e.slot.version() == e.version && e.epoch == engine.state.epoch() && now >= e.validFrom
          && now < e.validUntil && stagesUnchanged(e) && e.chainLive() && e.tryCharge()) {
        probe.clear();
        hits.increment();
        Decision t = e.template;
        // the state revision now: nothing this decision depends on changed since it was made
        Decision d = new Decision(engine.nextDecisionId(), t.outcome(), t.reasons(), t.obligations(),
            t.subject(), t.agent(), t.grant(), t.chain(), null, t.policyVersion(), Math.max(rev, t.revision()),
            engine.instant(now));
        if (observer != null) {
          observer.decided(r, d, startNanos, true);
        }
        return d;
      }
      invalidated.increment();
    }
    AgentSlot slot = engine.slotOf(r.subject());
    if (slot == null) {
      // an unknown subject: cheap to deny, and caching it would let a caller who varies the
      // subject push useful entries out
      probe.clear();
      bypassed.increment();
      return uncached(r, now, observer, startNanos);
    }
    misses.increment();
    Decision d;
    try {
      // read before anything evaluation reads: an entry made from them is stale as soon as a
      // change that concerns this subject completes after this point
      long epoch = engine.state.epoch();
      long version = slot.version();
      long[] stageRevs = stageCount == 0 ? NO_REVISIONS : engine.stageRevisions();
      Engine.Trace t = traces.get();
      t.reset();
      d = engine.decide(r, now, t);
      // not stored if the key layout changed meanwhile (a grant was issued whose constraints read
      // attributes the key in hand does not hold, or the policy was swapped); the stamps catch
      // every other change
      if (!t.uncacheable && !t.unknownSubject && p.snapshot == engine.snapshot() && p.runtime == engine.runtimeAttributes()) {
        store(d, t, now, epoch, slot, version, stageRevs, p, probe, e);
      } else if (e != null) {
        cache.asMap().remove(probe, e); // e.g. its budget ran out: do not keep probing a dead entry
      }
      t.matched = null;
    } finally {
      probe.clear();
    }
    if (observer != null) {
      observer.decided(r, d, startNanos, false);
    }
    return d;
  }

  private boolean stagesUnchanged(Entry e) {
    long[] revs = e.stageRevisions;
    for (int i = 0; i < revs.length; i++) {
      if (revs[i] != engine.stageRevision(i)) {
        return false;
      }
    }
    return true;
  }

  private Decision uncached(Request r, long now, Observer observer, long startNanos) {
    Decision d = engine.decide(r, now, Engine.DISCARD);
    if (observer != null) {
      observer.decided(r, d, startNanos, false);
    }
    return d;
  }

  private void store(Decision d, Engine.Trace t, long now, long epoch, AgentSlot slot, long version,
      long[] stageRevs, Plan p, Key probe, Entry old) {
    try {
      Entry n = entryFor(d, t, now, epoch, slot, version, stageRevs, p);
      if (n != null) {
        cache.put(probe.freeze(), n);
      } else if (old != null) {
        cache.asMap().remove(probe, old); // e.g. its budget ran out: do not keep probing a dead entry
      }
    } catch (Throwable ex) {
      // not caching is always safe; the decision itself is already made
      LOG.warn("could not cache a decision", ex);
    }
  }

  /** Returns the statistics so far. */
  public CacheStats stats() {
    cache.cleanUp();
    return new CacheStats(true, hits.sum(), misses.sum(), invalidated.sum(), bypassed.sum(),
        evictions.sum(), cache.estimatedSize(), maximumSize);
  }

  /** Drops every entry (statistics are kept). */
  public void clear() {
    cache.invalidateAll();
  }

  // ------------------------------------------------------------------ what the key holds

  /** The request attributes the policy in force and the stages read, for one snapshot and runtime layout. */
  static final class Plan {
    final Snapshot snapshot;
    final Attr[] runtime;
    final Attr[] attrs;
    final boolean resourceType;
    final boolean wholeInput;
    final ZoneId[] ruleZones;

    Plan(Snapshot s, Attr[] runtime, DecisionStage[] stages) {
      this.snapshot = s;
      this.runtime = runtime;
      Map<String, Attr> byPath = new LinkedHashMap<>();
      List<ZoneId> zones = new ArrayList<>();
      for (RuleNode[] rules : List.of(s.forbids, s.approvals)) {
        for (RuleNode rule : rules) {
          for (Condition c : rule.conditions) {
            byPath.putIfAbsent(c.attr().path(), c.attr());
          }
          addZone(zones, rule.rule.during());
          addZone(zones, rule.rule.outside());
        }
      }
      for (GrantNode g : s.docGrants.values()) {
        for (Condition c : g.constraints) {
          byPath.putIfAbsent(c.attr().path(), c.attr());
        }
        addScopes(byPath, g.scopes);
      }
      for (CompiledScope[] entitlements : s.entitlements.values()) {
        addScopes(byPath, entitlements);
      }
      for (Attr a : runtime) {
        byPath.putIfAbsent(a.path(), a);
      }
      boolean whole = false;
      for (DecisionStage st : stages) {
        if (st.reads().isEverything()) {
          whole = true;
        }
        for (String path : st.reads().paths()) {
          byPath.putIfAbsent(path, Attr.compile(path));
        }
      }
      boolean type = whole;
      List<Attr> keep = new ArrayList<>();
      for (Attr a : byPath.values()) {
        if (!a.fromRequest() || a.isResourceId()) {
          continue; // decided by subject/tool/operation/resource, which every key holds
        }
        if (a.isResourceType()) {
          type = true;
          continue;
        }
        if (!whole) {
          keep.add(a);
        }
      }
      this.attrs = keep.toArray(new Attr[0]);
      this.resourceType = type;
      this.wholeInput = whole;
      this.ruleZones = zones.isEmpty() ? NO_ZONES : zones.toArray(new ZoneId[0]);
    }

    private static void addScopes(Map<String, Attr> byPath, CompiledScope[] scopes) {
      for (CompiledScope sc : scopes) {
        for (Condition c : sc.constraints()) {
          byPath.putIfAbsent(c.attr().path(), c.attr());
        }
      }
    }

    private static void addZone(List<ZoneId> zones, TimeWindow w) {
      if (w != null && !zones.contains(w.zone())) {
        zones.add(w.zone());
      }
    }
  }

  private Plan plan() {
    Snapshot s = engine.snapshot();
    Attr[] rt = engine.runtimeAttributes();
    Plan p = plan;
    if (p == null || p.snapshot != s || p.runtime != rt) {
      p = new Plan(s, rt, engine.stages());
      plan = p;
    }
    return p;
  }

  // ------------------------------------------------------------------ what an entry holds

  /** A decision to serve, what it depends on, and the interval in which it holds. */
  static final class Entry {
    final Decision template;
    final long epoch;
    final AgentSlot slot;
    final long version;
    final long[] stageRevisions;
    final long validFrom;
    final long validUntil;
    /** Grants of an ALLOW's chain with a call budget, charged again on every hit. */
    final GrantNode[] limited;
    /**
     * Every grant of the chain of an ALLOW or REQUIRE_APPROVAL: none may have ended since. Grants
     * seen expired are sticky but bump no version (a document grant never does; a runtime grant
     * only once a sweep takes it out), so after the clock steps back only this check keeps such
     * an entry from being served again.
     */
    final GrantNode[] chain;

    Entry(Decision template, long epoch, AgentSlot slot, long version, long[] stageRevisions, long validFrom,
        long validUntil, GrantNode[] limited, GrantNode[] chain) {
      this.template = template;
      this.epoch = epoch;
      this.slot = slot;
      this.version = version;
      this.stageRevisions = stageRevisions;
      this.validFrom = validFrom;
      this.validUntil = validUntil;
      this.limited = limited;
      this.chain = chain;
    }

    /** Returns whether no grant of the chain has been revoked or seen expired since the entry was made. */
    boolean chainLive() {
      GrantNode[] c = chain;
      for (int i = 0; i < c.length; i++) {
        if (c[i].ended()) {
          return false;
        }
      }
      return true;
    }

    /** Charges every limited grant of the chain, all or nothing; returns whether it did. */
    boolean tryCharge() {
      GrantNode[] l = limited;
      for (int i = 0; i < l.length; i++) {
        if (!l[i].tryCharge()) {
          for (int j = 0; j < i; j++) {
            l[j].refund();
          }
          return false;
        }
      }
      return true;
    }
  }

  /** Returns the entry to store for a decision just made, or null if it must not be cached. */
  private Entry entryFor(Decision d, Engine.Trace t, long now, long epoch, AgentSlot slot, long version,
      long[] stageRevs, Plan p) {
    if (d.approval() != null) {
      return null;
    }
    long until = t.until;
    for (ZoneId z : p.ruleZones) {
      until = Math.min(until, Validity.nextMinute(now, z));
    }
    GrantNode[] limited = NONE;
    GrantNode[] chain = NONE;
    if (d.outcome() != Outcome.DENY) {
      Snapshot s = engine.snapshot();
      GrantNode leaf = d.outcome() == Outcome.ALLOW ? t.matched : d.grant() == null ? null : engine.find(s, d.grant());
      if (leaf == null) {
        return null;
      }
      List<GrantNode> l = null;
      List<GrantNode> all = new ArrayList<>(2);
      long earliest = Long.MAX_VALUE;
      GrantNode g = leaf;
      for (int guard = 0; g != null && guard <= s.maxDepth; guard++) {
        all.add(g);
        earliest = Math.min(earliest, g.expiresAt);
        if (g.budget != null && d.outcome() == Outcome.ALLOW) {
          if (l == null) {
            l = new ArrayList<>(2);
          }
          l.add(g);
        }
        g = g.parentId == null ? null : engine.find(s, g.parentId);
      }
      chain = all.toArray(NONE);
      if (l != null) {
        limited = l.toArray(NONE);
      }
      if (d.outcome() == Outcome.ALLOW && leaf.grant.credential() != null
          && !d.obligations(Obligation.MintCredential.class).isEmpty()) {
        // ttl = min(ttl, earliest expiry - now) stays the same only while ttl is smaller
        long ttl = leaf.grant.credential().ttl().toMillis();
        until = Math.min(until, earliest - ttl + 1);
      }
    }
    if (until <= now) {
      return null;
    }
    return new Entry(d, epoch, slot, version, stageRevs, now, until, limited, chain);
  }
}
