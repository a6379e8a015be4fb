package dev.remit.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.remit.CacheStats;
import dev.remit.Decision;
import dev.remit.Grant;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.TimeWindow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import dev.remit.internal.engine.Engine;
import dev.remit.internal.state.GrantNode;
import dev.remit.internal.policy.Attr;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.RuleNode;
import dev.remit.internal.engine.Snapshot;

/**
 * A bounded cache of decisions in front of an {@link Engine}: a decorator around evaluation.
 *
 * <p><b>Security guarantees.</b> An entry is served only if the engine's revision is the one read
 * before the evaluation that produced it started (every change bumps the revision after it is
 * made, so neither an entry made before a change nor one made by an evaluation in flight during a
 * change is ever served after the change returns), only while the clock is inside the interval
 * in which no notBefore, expiry or time-window boundary of any grant the subject holds (with
 * their chains) or of any windowed rule can change the answer, and, for an ALLOW, only after the
 * call budget of every limited grant in its chain has been charged again. Requests presenting an
 * approval are never cached (approvals are single-use state outside the revision). The key holds
 * every request value evaluation reads: subject, tool, operation, resource, {@code context.task},
 * {@code resource.type} if any constraint reads it, and the value of every request attribute a
 * constraint (of a grant, of a grant's scope or of a principal's entitlement) or rule in force refers to; other context (trace ids, timestamps) is ignored.
 * See {@code docs/caching.md}.
 *
 * <p>Thread-safe; the lookup does not allocate (a per-thread probe key).
 */
public final class DecisionCache {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.remit.cache");
  private static final GrantNode[] NONE = new GrantNode[0];
  private static final ZoneId[] NO_ZONES = new ZoneId[0];

  private final Engine engine;
  private final long maximumSize;
  private final Cache<Key, Entry> cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder invalidated = new LongAdder();
  private final LongAdder bypassed = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final ThreadLocal<Key> probes = ThreadLocal.withInitial(Key::new);
  private volatile Plan plan;

  public DecisionCache(Engine engine, long maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("decision cache size must be positive, was " + maximumSize);
    }
    this.engine = Objects.requireNonNull(engine, "engine");
    this.maximumSize = maximumSize;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .evictionListener((Key k, Entry v, com.github.benmanes.caffeine.cache.RemovalCause c) -> evictions.increment())
        .build();
  }

  /** Returns the decision for {@code r}, from the cache when a usable entry exists. */
  public Decision decide(Request r) {
    return decide(r, null, 0);
  }

  /** Told of every decision and whether the cache served it (the audit trail records both). */
  @FunctionalInterface
  public interface Observer {
    void decided(Request request, Decision decision, long startNanos, boolean cached);
  }

  /**
   * Like {@link #decide(Request)}; when {@code observer} is not null, tells it of the decision,
   * passing {@code startNanos} through, before returning it. (A callback rather than a returned
   * flag, so an audited hit allocates nothing to say it was a hit.)
   */
  public Decision decide(Request r, Observer observer, long startNanos) {
    long now = engine.clock().millis();
    // the revision is read before anything evaluation reads, so an entry made from it is stale
    // as soon as any change completes after this point
    long rev = engine.revision();
    if (r == null || r.context().get("approval") != null) {
      bypassed.increment();
      return uncached(r, now, observer, startNanos);
    }
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
    } catch (Exception ex) {
      // e.g. a caller's nested map that throws on get (even a checked exception, undeclared): the
      // engine fails closed on it, and the cache must not throw where the engine would not
      LOG.debug("request not keyable; evaluating without the cache", ex);
      probe.clear();
      bypassed.increment();
      return uncached(r, now, observer, startNanos);
    }
    if (e != null) {
      if (e.revision == rev && now >= e.validFrom && now < e.validUntil && e.tryCharge()) {
        probe.clear();
        hits.increment();
        Decision t = e.template;
        Decision d = new Decision(engine.nextDecisionId(), t.outcome(), t.reasons(), t.obligations(),
            t.subject(), t.agent(), t.grant(), t.chain(), null, t.policyVersion(), t.revision(),
            engine.instant(now));
        if (observer != null) {
          observer.decided(r, d, startNanos, true);
        }
        return d;
      }
      invalidated.increment();
    }
    misses.increment();
    Decision d;
    try {
      d = engine.decide(r, now);
      // store only if nothing changed meanwhile: not the revision, and not the key layout either
      // (a change publishes its new state before it bumps the revision, so a decision can see a
      // new grant whose attributes the key in hand does not hold; such a decision is not cached)
      if (engine.revision() == rev && p.snapshot == engine.snapshot() && p.runtime == engine.runtimeAttributes()) {
        store(d, r, now, rev, p, probe, e);
      }
    } finally {
      probe.clear();
    }
    if (observer != null) {
      observer.decided(r, d, startNanos, false);
    }
    return d;
  }

  private Decision uncached(Request r, long now, Observer observer, long startNanos) {
    Decision d = engine.decide(r, now);
    if (observer != null) {
      observer.decided(r, d, startNanos, false);
    }
    return d;
  }

  private void store(Decision d, Request r, long now, long rev, Plan p, Key probe, Entry old) {
    try {
      Entry n = entryFor(d, r, now, rev, p);
      if (n != null) {
        cache.put(probe.freeze(), n);
      } else if (old != null) {
        cache.asMap().remove(probe, old); // e.g. its budget ran out: do not keep probing a dead entry
      }
    } catch (Exception ex) {
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

  /** The request attributes the policy in force reads, for one snapshot and runtime-grant set. */
  static final class Plan {
    final Snapshot snapshot;
    final Attr[] runtime;
    final Attr[] attrs;
    final boolean resourceType;
    final ZoneId[] ruleZones;

    Plan(Snapshot s, Attr[] runtime) {
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
      boolean type = false;
      List<Attr> keep = new ArrayList<>();
      for (Attr a : byPath.values()) {
        if (!a.fromRequest() || a.isResourceId()) {
          continue; // decided by subject/tool/operation/resource, which every key holds
        }
        if (a.isResourceType()) {
          type = true;
          continue;
        }
        keep.add(a);
      }
      this.attrs = keep.toArray(new Attr[0]);
      this.resourceType = type;
      this.ruleZones = zones.isEmpty() ? NO_ZONES : zones.toArray(new ZoneId[0]);
    }

    /** Adds the attributes the constraints of {@code scopes} read (grant scopes and entitlements alike). */
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
      p = new Plan(s, rt);
      plan = p;
    }
    return p;
  }

  /**
   * A cache key; one mutable instance per thread probes the cache, and a frozen copy is stored.
   * Values compare by class and equality, so an Integer 5 and a Double 5.0 are different keys
   * (their decision messages print differently), and only immutable scalars are keyed.
   */
  static final class Key {
    String subject;
    String tool;
    String operation;
    String resource;
    String resourceType;
    Object task;
    Object[] values;
    int n;
    int hash;

    Key() {
      this.values = new Object[8];
    }

    /** Fills this probe from {@code r}; returns false if the request cannot be keyed. */
    boolean fill(Request r, Plan p) {
      subject = r.subject();
      tool = r.tool();
      operation = r.operation();
      resource = r.resource();
      resourceType = p.resourceType ? r.resourceType() : null;
      task = r.context().get("task");
      if (task != null && !isScalar(task)) {
        return false;
      }
      Attr[] attrs = p.attrs;
      if (values.length < attrs.length) {
        values = new Object[attrs.length];
      }
      int h = Objects.hashCode(subject);
      h = 31 * h + Objects.hashCode(tool);
      h = 31 * h + Objects.hashCode(operation);
      h = 31 * h + Objects.hashCode(resource);
      h = 31 * h + Objects.hashCode(resourceType);
      h = 31 * h + Objects.hashCode(task);
      for (int i = 0; i < attrs.length; i++) {
        Object v = attrs[i].resolve(r);
        if (!isScalar(v)) {
          n = i;
          return false;
        }
        values[i] = v;
        h = 31 * h + v.hashCode();
      }
      n = attrs.length;
      hash = h;
      return true;
    }

    Key freeze() {
      Key k = new Key(this);
      return k;
    }

    private Key(Key probe) {
      this.subject = probe.subject;
      this.tool = probe.tool;
      this.operation = probe.operation;
      this.resource = probe.resource;
      this.resourceType = probe.resourceType;
      this.task = probe.task;
      this.values = Arrays.copyOf(probe.values, probe.n);
      this.n = probe.n;
      this.hash = probe.hash;
    }

    /** Drops the references to the last request, so a probe does not keep it alive. */
    void clear() {
      subject = tool = operation = resource = resourceType = null;
      task = null;
      Arrays.fill(values, 0, n, null);
      n = 0;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      if (hash != k.hash || n != k.n || !Objects.equals(subject, k.subject) || !Objects.equals(tool, k.tool)
          || !Objects.equals(operation, k.operation) || !Objects.equals(resource, k.resource)
          || !Objects.equals(resourceType, k.resourceType) || !same(task, k.task)) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (!same(values[i], k.values[i])) {
          return false;
        }
      }
      return true;
    }

    private static boolean same(Object a, Object b) {
      return a == b || (a != null && b != null && a.getClass() == b.getClass() && a.equals(b));
    }

    static boolean isScalar(Object v) {
      if (v == Attr.MISSING || v instanceof String) {
        return true;
      }
      Class<?> c = v.getClass();
      return c == Double.class || c == Long.class || c == Integer.class || c == Boolean.class
          || c == BigDecimal.class || c == BigInteger.class || c == Float.class || c == Short.class
          || c == Byte.class;
    }
  }

  // ------------------------------------------------------------------ what an entry holds

  /** A decision to serve, the revision it was made at and the interval in which it holds. */
  static final class Entry {
    final Decision template;
    final long revision;
    final long validFrom;
    final long validUntil;
    /** Grants of an ALLOW's chain with a call budget, charged again on every hit. */
    final GrantNode[] limited;

    Entry(Decision template, long revision, long validFrom, long validUntil, GrantNode[] limited) {
      this.template = template;
      this.revision = revision;
      this.validFrom = validFrom;
      this.validUntil = validUntil;
      this.limited = limited;
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
  private Entry entryFor(Decision d, Request r, long now, long rev, Plan p) {
    // an exhausted budget can be refunded by a racing call whose approval turned out used up, so
    // a budget denial is not stable enough to keep
    if (d.approval() != null || d.has(ReasonCode.EVALUATION_ERROR) || d.has(ReasonCode.MAX_CALLS_EXHAUSTED)) {
      return null;
    }
    Snapshot s = engine.snapshot();
    long until = Long.MAX_VALUE;
    for (ZoneId z : p.ruleZones) {
      until = Math.min(until, nextMinute(now, z));
    }
    String subject = r.subject();
    if (subject != null) {
      // evaluation takes the first grant (document grants, then runtime ones) whose chain allows
      // the call; grants after the one that matched cannot change the answer while it still does
      GrantNode matched = d.outcome() != Outcome.DENY && d.grant() != null ? engine.find(s, d.grant()) : null;
      long[] acc = {until};
      if (!scan(s.docByHolder.getOrDefault(subject, NONE), s, now, matched, acc)) {
        scan(engine.runtimeGrantsHeldBy(subject), s, now, matched, acc);
      }
      until = acc[0];
    }
    GrantNode[] limited = NONE;
    if (d.outcome() == Outcome.ALLOW) {
      GrantNode leaf = d.grant() == null ? null : engine.find(s, d.grant());
      if (leaf == null) {
        return null;
      }
      List<GrantNode> l = null;
      long earliest = Long.MAX_VALUE;
      int guard = 0;
      for (GrantNode g = leaf; g != null && guard++ < 64; g = g.parentId == null ? null : engine.find(s, g.parentId)) {
        earliest = Math.min(earliest, g.expiresAt);
        if (g.maxCalls != Grant.UNLIMITED) {
          if (l == null) {
            l = new ArrayList<>(2);
          }
          l.add(g);
        }
      }
      if (l != null) {
        limited = l.toArray(NONE);
      }
      if (leaf.grant.credential() != null && !d.obligations(Obligation.MINT_CREDENTIAL).isEmpty()) {
        // ttl_seconds = min(ttl, earliest expiry - now) stays the same only while ttl is smaller
        long ttl = leaf.grant.credential().ttl().toMillis();
        until = Math.min(until, earliest - ttl + 1);
      }
    }
    if (until <= now) {
      return null;
    }
    return new Entry(d, rev, now, until, limited);
  }

  /**
   * Lowers {@code until[0]} to the first instant after {@code now} at which the validity in time
   * of any of the grants, up to and including {@code last}, or of any link of their chains, may
   * change; returns whether {@code last} was among them.
   */
  private boolean scan(GrantNode[] grants, Snapshot s, long now, GrantNode last, long[] acc) {
    long until = acc[0];
    boolean found = false;
    for (GrantNode leaf : grants) {
      int guard = 0;
      int max = s.maxDepth + 1;
      for (GrantNode g = leaf; g != null && guard++ < max; g = g.parentId == null ? null : engine.find(s, g.parentId)) {
        if (g.notBefore > now) {
          until = Math.min(until, g.notBefore);
        }
        if (g.expiresAt > now) {
          until = Math.min(until, g.expiresAt);
        }
        if (g.window != null) {
          until = Math.min(until, nextMinute(now, g.window.zone()));
        }
      }
      if (leaf == last) {
        found = true;
        break;
      }
    }
    acc[0] = until;
    return found;
  }

  /**
   * Returns the next instant after {@code now} at which a time window in {@code zone} can open or
   * close: windows resolve to whole local minutes, and offset changes fall on whole UTC minutes.
   */
  static long nextMinute(long now, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    long off = (rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH)
        : rules.getOffset(Instant.ofEpochMilli(now))).getTotalSeconds() * 1000L;
    long local = Math.floorDiv(now + off, 60_000L) * 60_000L + 60_000L - off;
    long utc = Math.floorDiv(now, 60_000L) * 60_000L + 60_000L;
    return Math.min(local, utc);
  }
}
