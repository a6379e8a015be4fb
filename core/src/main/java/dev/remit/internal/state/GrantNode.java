package dev.remit.internal.state;

import dev.remit.Grant;
import dev.remit.TimeWindow;
import java.util.concurrent.atomic.AtomicLong;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.CompiledScope;
import dev.remit.internal.policy.Interner;
import dev.remit.internal.engine.Snapshot;

/** A grant as the engine holds it: compiled, with its revocation flag and call counter. */
public final class GrantNode {
  public final Grant grant;
  public final String id;
  public final String holder;
  public final String parentId;
  /** Original principal of the chain (inherited down sub-grants). */
  public final String principal;
  /** Who issued it: the principal for a root grant, the parent's holder for a sub-grant. */
  public final String issuedBy;
  public final CompiledScope[] scopes;
  public final Condition[] constraints;
  public final long notBefore;
  public final long expiresAt;
  public final TimeWindow window;
  public final long maxCalls;
  /**
   * Calls charged so far, or null for an unlimited grant (which counts nothing); the same counter
   * object survives policy swaps for the same grant id.
   */
  public final AtomicLong used;
  public final boolean fromDocument;
  private volatile boolean revoked;
  /** Built on the grant's first ALLOW: most grants held at any moment are never used. */
  private volatile java.util.List<dev.remit.Reason> allowReasons;
  private volatile Object[] chainCache;

  public GrantNode(Grant g, String principal, String issuedBy, AtomicLong used, boolean fromDocument) {
    this.grant = g;
    this.id = g.id();
    this.holder = g.holder();
    this.parentId = g.parent();
    this.principal = principal;
    this.issuedBy = issuedBy;
    this.scopes = CompiledScope.compile(g.scopes());
    this.constraints = g.constraints().isEmpty() ? NO_CONDITIONS
        : g.constraints().stream().map(Interner::condition).toArray(Condition[]::new);
    this.notBefore = g.notBefore() == null ? Long.MIN_VALUE : g.notBefore().toEpochMilli();
    this.expiresAt = g.expiresAt().toEpochMilli();
    this.window = g.window();
    this.maxCalls = g.maxCalls();
    this.used = maxCalls == Grant.UNLIMITED ? null : used == null ? new AtomicLong() : used;
    this.fromDocument = fromDocument;
  }

  private static final Condition[] NO_CONDITIONS = new Condition[0];

  /** Returns the ALLOW reason alone in a list (built once, so an ALLOW allocates no list). */
  public java.util.List<dev.remit.Reason> allowReasons() {
    java.util.List<dev.remit.Reason> r = allowReasons;
    if (r == null) {
      // a benign race: two threads may build equal lists; either is fine
      r = java.util.List.of(new dev.remit.Reason(dev.remit.ReasonCode.GRANT_MATCHED, "covered by grant '" + id
          + "' held by '" + holder + "'" + (grant.task() == null ? "" : " for task '" + grant.task() + "'")
          + " on behalf of '" + principal + "'"));
      allowReasons = r;
    }
    return r;
  }

  /** Returns the ALLOW reason for this grant (built once). */
  public dev.remit.Reason allowReason() {
    return allowReasons().get(0);
  }

  /** Returns the chain computed for snapshot {@code s}, or null. */
  public dev.remit.DelegationChain cachedChain(Snapshot s) {
    Object[] c = chainCache;
    return c != null && c[0] == s ? (dev.remit.DelegationChain) c[1] : null;
  }

  public void cacheChain(Snapshot s, dev.remit.DelegationChain chain) {
    chainCache = new Object[] {s, chain};
  }

  public boolean revoked() {
    return revoked;
  }

  public void markRevoked() {
    revoked = true;
  }

  /** Returns the calls left, or Long.MAX_VALUE when unlimited. */
  public long remaining() {
    return used == null ? Long.MAX_VALUE : Math.max(0, maxCalls - used.get());
  }

  /** Charges one call if budget remains; returns whether it did. */
  public boolean tryCharge() {
    if (used == null) {
      return true;
    }
    while (true) {
      long u = used.get();
      if (u >= maxCalls) {
        return false;
      }
      if (used.compareAndSet(u, u + 1)) {
        return true;
      }
    }
  }

  public void refund() {
    if (used != null) {
      used.decrementAndGet();
    }
  }
}
