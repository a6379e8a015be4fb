package dev.remit.internal.engine;

import dev.remit.AgentState;
import dev.remit.Approval;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Problem;
import dev.remit.Scope;
import java.time.Instant;
import java.util.List;

/**
 * What the engine tells its owner about changes of authority, so they are audited. Called after
 * the change is in force and outside the engine's lock, on the thread that made the change (or,
 * for expiries found while deciding, the deciding thread); implementations must be quick and must
 * not throw (what they throw is logged and ignored).
 */
public interface Events {
  /** A grant was issued: a root grant for its principal, or a sub-grant delegated by {@code issuedBy}. */
  default void issued(long seq, Instant at, Grant grant, String principal, String issuedBy) {}

  /** A grant was refused; {@code actor} asked for it. */
  default void refused(Instant at, Grant grant, String actor, String why) {}

  /** A grant was revoked; {@code affected} is it and every grant below it. */
  default void revoked(long seq, Instant at, String grantId, String actor, List<String> affected) {}

  /** A runtime grant was seen expired and left the indexes. */
  default void expired(Instant at, String grantId, Instant expiresAt) {}

  /** An agent's lifecycle state was set. */
  default void agentState(long seq, Instant at, String agentId, AgentState state, String actor) {}

  /** A principal's entitlements were restricted at runtime ({@code entitlements}), or the restriction lifted (null). */
  default void entitlements(long seq, Instant at, String principalId, List<Scope> entitlements, String actor) {}

  /** A human approved a call. */
  default void approved(long seq, Instant at, Approval approval) {}

  /** A new policy is in force. */
  default void swapped(Instant at, String fromVersion, Policy installed) {}

  /** A new policy was refused; the old one stays. */
  default void swapRefused(Instant at, String fromVersion, Policy refused, List<Problem> problems) {}

  /** No events. */
  Events NONE = new Events() {};
}
