package dev.remit.internal.state;

import dev.remit.Scope;
import dev.remit.internal.policy.CompiledScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's in-memory view of its runtime state: grants issued at runtime indexed by holder and
 * task, revocations, lifecycle overrides, entitlement restrictions and the per-agent version
 * stamps of the decision cache. Built from the state store's feed.
 *
 * <p>Reads (decisions) are lock-free. Every method that changes something must be called with the
 * engine's change lock held; each costs O(log n) in the number of grants or less, except where it
 * says it walks what the change touches.
 *
 * <p><b>Bounded.</b> A grant leaves the indexes when it is revoked or seen expired; only the last
 * few ended grants per bucket, at most {@link #maxEnded} in all, are kept for precise reasons; the
 * id of a revoked grant is remembered (so it is not reused) until the grant's expiry, that of an
 * expired one while the grant is kept for reasons.
 */
public final class RuntimeState {
  /** The default bound on ended grants kept for reasons. */
  public static final int DEFAULT_MAX_ENDED = 10_000;

  private final ConcurrentHashMap<String, GrantNode> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Holder> holders = new ConcurrentHashMap<>();
  private final HashMap<String, List<GrantNode>> children = new HashMap<>();
  private final HashMap<String, Set<GrantNode>> byPrincipal = new HashMap<>();
  /**
   * Every runtime grant issued and not yet past its expiry, by expiry: the active ones, to sweep
   * them, and the ended ones, to forget their ids then. An entry lets go of its grant when the
   * grant ends, so a revoked grant costs only its entry and its id until its expiry.
   */
  private final PriorityQueue<Due> expiries = new PriorityQueue<>(
      (a, b) -> a.expiresAt != b.expiresAt ? Long.compare(a.expiresAt, b.expiresAt) : Long.compare(a.seq, b.seq));
  private volatile long nextExpiry = Long.MAX_VALUE;
  /** Ended runtime grant ids, to why and until when: not reusable until their expiry. */
  private final HashMap<String, Retired> retired = new HashMap<>();
  /** Kept ended grants, oldest first (insertion order). */
  private final LinkedHashSet<GrantNode> endedOrder = new LinkedHashSet<>();
  private final int maxEnded;
  private final Set<String> revokedDocIds = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, AgentSlot> agents = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Restriction> restrictions = new ConcurrentHashMap<>();
  private volatile long epoch;

  public RuntimeState(int maxEnded) {
    if (maxEnded < 0) {
      throw new IllegalArgumentException("maxEnded must not be negative, was " + maxEnded);
    }
    this.maxEnded = maxEnded;
  }

  /** An entry of the expiry queue. */
  static final class Due {
    final long expiresAt;
    final long seq;
    final String id;
    /** The grant while it is active; null once it ended. Lock held. */
    GrantNode node;

    Due(GrantNode g) {
      this.expiresAt = g.expiresAt;
      this.seq = g.seq;
      this.id = g.id;
      this.node = g;
    }
  }

  /** The active runtime grants of one holder. */
  static final class Holder {
    volatile Bucket noTask;
    final ConcurrentHashMap<String, Bucket> tasks = new ConcurrentHashMap<>();
  }

  /**
   * Why a runtime grant id ended.
   *
   * @param until the grant's expiry: the id stays taken until then
   * @param revokedVia the grant whose revocation cut it off (itself or an ancestor), or null if it expired
   */
  public record Retired(long until, String revokedVia) {}

  /**
   * A principal's entitlements restricted at runtime.
   *
   * @param scopes the restriction as given
   * @param compiled its compiled form
   */
  public record Restriction(List<Scope> scopes, CompiledScope[] compiled) {}

  // ------------------------------------------------------------------ reads (any thread)

  /** Returns the bucket of active runtime grants {@code holder} holds for {@code task} (null: no task), or null. */
  public Bucket bucket(String holder, String task) {
    Holder h = holders.get(holder);
    if (h == null) {
      return null;
    }
    return task == null ? h.noTask : h.tasks.get(task);
  }

  /** Returns the active runtime grant with that id, or null. */
  public GrantNode grant(String id) {
    return byId.get(id);
  }

  /** Returns the number of active runtime grants. */
  public int size() {
    return byId.size();
  }

  /** Returns whether a document grant with that id was revoked at runtime. */
  public boolean docRevoked(String id) {
    return revokedDocIds.contains(id);
  }

  /** Returns the slot of an agent id, or null if none was made. */
  public AgentSlot agent(String id) {
    return agents.get(id);
  }

  /** Returns the slot of an agent id, making it if needed (only for ids the policy knows). */
  public AgentSlot slot(String id) {
    return agents.computeIfAbsent(id, AgentSlot::new);
  }

  /** Returns a principal's runtime restriction, or null. */
  public Restriction restriction(String principal) {
    return restrictions.get(principal);
  }

  /** Returns the epoch: it moves on with every policy swap and invalidates every cached decision. */
  public long epoch() {
    return epoch;
  }

  /** Returns the earliest expiry of an active runtime grant, or Long.MAX_VALUE. */
  public long nextExpiry() {
    return nextExpiry;
  }

  /** Returns every active runtime grant, in issue order. */
  public List<GrantNode> activeGrants() {
    List<GrantNode> out = new ArrayList<>(byId.values());
    out.sort((a, b) -> Long.compare(a.seq, b.seq));
    return out;
  }

  /** Returns the ids of the revoked document grants. */
  public Set<String> revokedDocumentGrants() {
    return Set.copyOf(revokedDocIds);
  }

  /** Returns the agent ids with a lifecycle override, to it. */
  public Map<String, dev.remit.AgentState> overrides() {
    Map<String, dev.remit.AgentState> m = new HashMap<>();
    agents.forEach((k, v) -> {
      if (v.override() != null) {
        m.put(k, v.override());
      }
    });
    return m;
  }

  /** Returns the principals with a runtime restriction, to it. */
  public Map<String, List<Scope>> restrictions() {
    Map<String, List<Scope>> m = new HashMap<>();
    restrictions.forEach((k, v) -> m.put(k, v.scopes()));
    return m;
  }

  // ------------------------------------------------------------------ changes (engine lock held)

  /** Returns whether {@code id} is in use by an active runtime grant or by one ended before its expiry. */
  public boolean idTaken(String id) {
    return byId.containsKey(id) || retired.containsKey(id);
  }

  /** Returns why a runtime grant id ended, if it did and its expiry has not passed; else null. */
  public Retired retired(String id) {
    return retired.get(id);
  }

  /** Adds an issued runtime grant to every index. */
  public void add(GrantNode g) {
    byId.put(g.id, g);
    Holder h = holders.computeIfAbsent(g.holder, k -> new Holder());
    Bucket b;
    if (g.task == null) {
      b = h.noTask;
      if (b == null) {
        b = new Bucket(g.holder, null);
        h.noTask = b;
      }
    } else {
      b = h.tasks.computeIfAbsent(g.task, t -> new Bucket(g.holder, t));
    }
    b.add(g);
    if (g.parentId != null) {
      children.computeIfAbsent(g.parentId, k -> new ArrayList<>(2)).add(g);
    }
    byPrincipal.computeIfAbsent(g.principal, k -> new LinkedHashSet<>()).add(g);
    Due d = new Due(g);
    g.due = d;
    expiries.add(d);
    nextExpiry = expiries.peek().expiresAt;
  }

  /** Returns the active runtime grants whose parent is {@code parentId}. */
  public List<GrantNode> children(String parentId) {
    List<GrantNode> c = children.get(parentId);
    return c == null ? List.of() : c;
  }

  /** Returns the active runtime grants acting for {@code principal}. */
  public Set<GrantNode> actingFor(String principal) {
    Set<GrantNode> s = byPrincipal.get(principal);
    return s == null ? Set.of() : s;
  }

  /** Returns the active runtime grants {@code holder} holds, for any task. */
  public List<GrantNode> heldBy(String holder) {
    Holder h = holders.get(holder);
    if (h == null) {
      return List.of();
    }
    List<GrantNode> out = new ArrayList<>();
    if (h.noTask != null) {
      h.noTask.active().forEachRemaining(out::add);
    }
    for (Bucket b : h.tasks.values()) {
      b.active().forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * Takes an ended runtime grant (revoked, or seen expired) out of the hot indexes; it stays among
   * its bucket's last ended grants within the global bound, and its id stays taken until its expiry.
   */
  public void end(GrantNode g) {
    if (byId.remove(g.id, g)) {
      if (g.due != null) {
        g.due.node = null; // the queue keeps the id and expiry only
        g.due = null;
      }
      Holder h = holders.get(g.holder);
      Bucket b = h == null ? null : g.task == null ? h.noTask : h.tasks.get(g.task);
      if (b != null) {
        b.remove(g);
        if (maxEnded > 0) {
          GrantNode out = b.addEnded(g);
          if (out != null) {
            endedOrder.remove(out); // the bucket's own bound pushed it out first
          }
          endedOrder.add(g);
          while (endedOrder.size() > maxEnded) {
            Iterator<GrantNode> first = endedOrder.iterator();
            GrantNode old = first.next();
            first.remove();
            Bucket ob = bucket(old.holder, old.task);
            if (ob != null) {
              ob.forgetEnded(old);
              dropIfEmpty(ob);
            }
            Retired r = retired.get(old.id);
            if (r != null && r.revokedVia() == null) {
              retired.remove(old.id); // an expired id is remembered while its grant is kept for reasons
            }
          }
        }
        dropIfEmpty(b);
      }
      if (g.parentId != null) {
        List<GrantNode> siblings = children.get(g.parentId);
        if (siblings != null) {
          siblings.remove(g);
          if (siblings.isEmpty()) {
            children.remove(g.parentId);
          }
        }
      }
      Set<GrantNode> p = byPrincipal.get(g.principal);
      if (p != null) {
        p.remove(g);
        if (p.isEmpty()) {
          byPrincipal.remove(g.principal);
        }
      }
      if (g.revoked() || maxEnded > 0) {
        retired.put(g.id, new Retired(g.expiresAt, g.revoked() ? g.revokedVia() : null));
      }
    }
  }

  private void dropIfEmpty(Bucket b) {
    if (!b.isEmpty()) {
      return;
    }
    Holder h = holders.get(b.holder);
    if (h == null) {
      return;
    }
    if (b.task == null) {
      if (h.noTask == b) {
        h.noTask = null;
      }
    } else {
      h.tasks.remove(b.task, b);
    }
    if (h.noTask == null && h.tasks.isEmpty()) {
      holders.remove(b.holder, h);
    }
  }

  /**
   * Takes out of the indexes every runtime grant that has expired at {@code now}, oldest expiry
   * first, looking at most at {@code max} due entries (active grants, and revoked ones whose id may
   * now be forgotten: both are work done under the lock, on a deciding thread too); returns the
   * grants taken out (their holders' decisions changed).
   */
  public List<GrantNode> expire(long now, int max) {
    List<GrantNode> out = null;
    int looked = 0;
    for (Due d; looked < max && (d = expiries.peek()) != null && d.expiresAt <= now; looked++) {
      expiries.poll();
      GrantNode g = d.node;
      if (g != null && byId.get(g.id) == g) {
        g.expiredAt(now);
        end(g);
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(g);
      }
      Retired r = retired.get(d.id);
      if (r != null && r.until() <= now && r.revokedVia() != null) {
        retired.remove(d.id); // a revoked id is remembered until its grant would have expired
      }
    }
    Due head = expiries.peek();
    nextExpiry = head == null ? Long.MAX_VALUE : head.expiresAt;
    return out == null ? List.of() : out;
  }

  public void revokeDocGrant(String id) {
    revokedDocIds.add(id);
  }

  public void setOverride(String agentId, dev.remit.AgentState state) {
    slot(agentId).override(state);
  }

  public void restrict(String principal, List<Scope> scopes) {
    if (scopes == null) {
      restrictions.remove(principal);
    } else {
      restrictions.put(principal, new Restriction(List.copyOf(scopes), CompiledScope.compile(scopes)));
    }
  }

  /** Moves an agent's version on (its cached decisions are stale); only for agents the policy knows. */
  public void bump(String agentId) {
    slot(agentId).bump();
  }

  /** Moves the epoch on: every cached decision is stale. */
  public void bumpEpoch() {
    epoch = epoch + 1;
  }

  /** Forgets the slots of agent ids not in {@code known} that carry no override (after a swap). */
  public void retainSlots(java.util.function.Predicate<String> known) {
    for (Iterator<Map.Entry<String, AgentSlot>> it = agents.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, AgentSlot> e = it.next();
      if (!known.test(e.getKey()) && e.getValue().override() == null) {
        it.remove();
      }
    }
  }

  /** Returns how many ended grants are kept for reasons (for tests of boundedness). */
  public int endedKept() {
    return endedOrder.size();
  }

  /** Returns how many ended ids are remembered (for tests of boundedness). */
  public int retiredIds() {
    return retired.size();
  }

  /** Returns how many grants the expiry queue still holds on to: the active ones (for tests of boundedness). */
  public int expiryQueueGrants() {
    int n = 0;
    for (Due d : expiries) {
      if (d.node != null) {
        n++;
      }
    }
    return n;
  }

  /** Returns how many holders have buckets (for tests of boundedness). */
  public int holders() {
    return holders.size();
  }
}
