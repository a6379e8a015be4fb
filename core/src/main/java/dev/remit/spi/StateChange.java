package dev.remit.spi;

import dev.remit.AgentState;
import dev.remit.Approval;
import dev.remit.Grant;
import dev.remit.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change of a decision point's runtime state, as a {@link StateStore} records it in its
 * ordered feed. Applying the same changes in the same order to the same policy gives the same
 * state, so a feed can be replayed into another instance or after a restart.
 *
 * <p>Changes are validated before they are appended (a refused grant is never in the feed); an
 * instance applying a change from the feed trusts the instance that appended it.
 */
public sealed interface StateChange permits StateChange.GrantIssued, StateChange.GrantRevoked,
    StateChange.AgentStateChanged, StateChange.EntitlementsChanged, StateChange.ApprovalGranted,
    StateChange.BudgetUsed {

  /** Returns when the change was made, by the decision point's clock. */
  Instant time();

  /**
   * A grant was issued at runtime: a root grant for {@code principal}, or a sub-grant delegated by
   * {@code issuedBy}, the holder of its parent.
   *
   * @param time when
   * @param grant the grant as stored (a sub-grant carries its chain's principal)
   * @param principal the original principal the grant acts for, bound at issuance
   * @param issuedBy the principal (root grant) or delegating agent (sub-grant)
   */
  record GrantIssued(Instant time, Grant grant, String principal, String issuedBy) implements StateChange {
    public GrantIssued {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(grant, "grant");
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(issuedBy, "issuedBy");
    }
  }

  /**
   * A grant (document or runtime) was revoked; every grant below it loses its authority with it.
   *
   * @param time when
   * @param grantId the grant revoked
   * @param actor who revoked it ({@code host} for the host application)
   */
  record GrantRevoked(Instant time, String grantId, String actor) implements StateChange {
    public GrantRevoked {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(grantId, "grantId");
      Objects.requireNonNull(actor, "actor");
    }
  }

  /**
   * An agent's lifecycle state was set at runtime (suspended, made active again, revoked).
   *
   * @param time when
   * @param agentId the agent
   * @param state its new state
   * @param actor who changed it
   */
  record AgentStateChanged(Instant time, String agentId, AgentState state, String actor) implements StateChange {
    public AgentStateChanged {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(agentId, "agentId");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(actor, "actor");
    }
  }

  /**
   * A principal's current entitlements were restricted at runtime, or the restriction lifted.
   *
   * @param time when
   * @param principalId the principal
   * @param entitlements the restriction (a call must fit these and the document's entitlements),
   *     or null when the restriction was lifted
   * @param actor who changed it
   */
  record EntitlementsChanged(Instant time, String principalId, List<Scope> entitlements, String actor)
      implements StateChange {
    public EntitlementsChanged {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(principalId, "principalId");
      entitlements = entitlements == null ? null : List.copyOf(entitlements);
      Objects.requireNonNull(actor, "actor");
    }
  }

  /**
   * A human approved one exact call.
   *
   * @param time when
   * @param approval the approval
   */
  record ApprovalGranted(Instant time, Approval approval) implements StateChange {
    public ApprovalGranted {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(approval, "approval");
    }
  }

  /**
   * How much of a counted budget (a grant's calls, an approval's uses) was used at the time of an
   * export. Appears only in {@code Remit.exportState()}, never in a store's feed (counters are
   * kept by {@link StateStore#counter}).
   *
   * @param time when the export was taken
   * @param key the counter's key ({@code grant:<id>} or {@code approval:<id>})
   * @param used the count
   * @param keepUntil how long the counter must be kept
   */
  record BudgetUsed(Instant time, String key, long used, Instant keepUntil) implements StateChange {
    public BudgetUsed {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(key, "key");
      if (used < 0) {
        throw new IllegalArgumentException("used must not be negative, was " + used);
      }
      Objects.requireNonNull(keepUntil, "keepUntil");
    }
  }
}
