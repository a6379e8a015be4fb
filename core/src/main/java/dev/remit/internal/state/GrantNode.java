package dev.remit.internal.state;

import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.TimeWindow;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.Interner;
import dev.remit.spi.StateStore;
import java.util.List;

/**
 * A grant as the engine holds it: compiled, bound to the principal and delegator it was issued
 * for, with its revocation and expiry flags and its call budget (a counter of the state store, so
 * the budget is the grant id's whatever document or instance defines it).
 */
public final class GrantNode {
  private static final Condition[] NO_CONDITIONS = new Condition[0];

  public final Grant grant;
  public final String id;
  public final String holder;
  public final String parentId;
  public final String task;
  /** Original principal of the chain, bound when the grant was issued (or the document built). */
  public final String principal;
  /** Who issued it: the principal for a root grant, the delegating agent for a sub-grant. */
  public final String issuedBy;
  public final CompiledScope[] scopes;
  public final Condition[] constraints;
  public final long notBefore;
  public final long expiresAt;
  public final TimeWindow window;
  public final long maxCalls;
  /** The call budget's counter, or null for an unlimited grant. */
  public final StateStore.Counter budget;
  public final boolean fromDocument;
  /** Sequence number of the change that issued it (0 for a document grant): the scan order. */
  public final long seq;
  /** When it was issued at runtime (epoch millis), or 0 for a document grant. */
  public final long issuedAt;
  private volatile boolean revoked;
  private volatile String revokedVia;
  /** Set once the grant was seen expired; it never becomes valid again, even if the clock steps back. */
  private volatile boolean expired;
  /** Built on the grant's first ALLOW: most grants held at any moment are never used. */
  private volatile List<Reason> allowReasons;
  private volatile Object[] chainCache;
  /** A runtime grant's entry in the expiry queue while it is active; engine lock held. */
  RuntimeState.Due due;

  public GrantNode(Grant g, String principal, String issuedBy, StateStore.Counter budget, boolean fromDocument,
      long seq, long issuedAt) {
    this.grant = g;
    this.id = g.id();
    this.holder = g.holder();
    this.parentId = g.parent();
    this.task = g.task();
    this.principal = principal;
    this.issuedBy = issuedBy;
    this.scopes = CompiledScope.compile(g.scopes());
    this.constraints = g.constraints().isEmpty() ? NO_CONDITIONS
        : g.constraints().stream().map(Interner::condition).toArray(Condition[]::new);
    this.notBefore = g.notBefore() == null ? Long.MIN_VALUE : g.notBefore().toEpochMilli();
    this.expiresAt = g.expiresAt().toEpochMilli();
    this.window = g.window();
    this.maxCalls = g.maxCalls();
    this.budget = maxCalls == Grant.UNLIMITED ? null : budget;
    if (maxCalls != Grant.UNLIMITED && budget == null) {
      throw new IllegalArgumentException("grant " + id + " has a call budget but no counter");
    }
    this.fromDocument = fromDocument;
    this.seq = seq;
    this.issuedAt = issuedAt;
  }

  /** Returns the ALLOW reason alone in a list (built once, so an ALLOW allocates no list). */
  public List<Reason> allowReasons() {
    List<Reason> r = allowReasons;
    if (r == null) {
      // a benign race: two threads may build equal lists; either is fine
      r = List.of(new Reason(ReasonCode.GRANT_MATCHED, "covered by grant '" + id + "' held by '" + holder + "'"
          + (task == null ? "" : " for task '" + task + "'") + " on behalf of '" + principal + "'"));
      allowReasons = r;
    }
    return r;
  }

  /** Returns the ALLOW reason for this grant (built once). */
  public Reason allowReason() {
    return allowReasons().get(0);
  }

  /** Returns the chain computed for the given snapshot (by identity), or null. */
  public DelegationChain cachedChain(Object snapshot) {
    Object[] c = chainCache;
    return c != null && c[0] == snapshot ? (DelegationChain) c[1] : null;
  }

  public void cacheChain(Object snapshot, DelegationChain chain) {
    chainCache = new Object[] {snapshot, chain};
  }

  public boolean revoked() {
    return revoked;
  }

  /** Returns the id of the grant whose revocation cut this one off (its own id, or an ancestor's), or null. */
  public String revokedVia() {
    return revokedVia;
  }

  public void markRevoked() {
    markRevoked(id);
  }

  /** Marks it revoked because grant {@code via} (itself or an ancestor) was revoked; the first cause stays. */
  public void markRevoked(String via) {
    if (!revoked) {
      revokedVia = via;
      revoked = true;
    }
  }

  /** Returns whether the grant is expired at {@code now}, or was seen expired before (sticky). */
  public boolean expiredAt(long now) {
    if (expired) {
      return true;
    }
    if (now >= expiresAt) {
      expired = true;
      return true;
    }
    return false;
  }

  /** Returns whether it can never allow a call again: revoked, or seen expired. */
  public boolean ended() {
    return revoked || expired;
  }

  /** Returns the calls charged so far (0 for an unlimited grant). */
  public long used() {
    return budget == null ? 0 : budget.value();
  }

  /** Returns the calls left, or Long.MAX_VALUE when unlimited. */
  public long remaining() {
    return budget == null ? Long.MAX_VALUE : Math.max(0, maxCalls - budget.value());
  }

  /** Returns whether the budget is used up (false for an unlimited grant). */
  public boolean exhausted() {
    return budget != null && budget.value() >= maxCalls;
  }

  /** Charges one call if budget remains; returns whether it did. */
  public boolean tryCharge() {
    return budget == null || budget.tryIncrement(maxCalls);
  }

  public void refund() {
    if (budget != null) {
      budget.decrement();
    }
  }

  @Override
  public String toString() {
    return "grant " + id + " held by " + holder;
  }
}
