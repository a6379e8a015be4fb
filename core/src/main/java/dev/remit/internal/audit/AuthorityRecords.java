package dev.remit.internal.audit;

import dev.remit.AgentState;
import dev.remit.Approval;
import dev.remit.AuditRecord.AuthorityRecord;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One factory per authority action, so that the code making a change (the engine, through
 * {@code Remit}) states what it did and never assembles actor, target or details itself. Every
 * {@code seq} is the sequence number the decision point gave the change, or -1 when it has none.
 * Hand the result to {@code AuditTrail.authority(record)}.
 */
public final class AuthorityRecords {
  private AuthorityRecords() {}

  /**
   * A grant was issued. The actor is {@code issuedBy}: the principal of a root grant, the holder
   * of the parent grant (the delegating agent) for a sub-grant.
   *
   * @param stored the grant as stored (a sub-grant with its chain's principal)
   */
  public static AuthorityRecord issueGrant(Instant time, long seq, Grant stored, String issuedBy) {
    Objects.requireNonNull(issuedBy, "issuedBy");
    return new AuthorityRecord(time, seq, AuthorityRecord.ISSUE_GRANT, issuedBy, AuthorityRecord.GRANT, stored.id(),
        List.of(), AuthorityDetails.grant(stored, issuedBy));
  }

  /**
   * A grant was refused; nothing was issued, so there is no sequence number. The actor is who
   * tried to issue it: {@code issuedBy} if known, else the grant's principal for a root grant, else
   * {@code "unknown"} (a sub-grant of a parent that does not exist).
   */
  public static AuthorityRecord refuseGrant(Instant time, Grant asked, String issuedBy, String reason) {
    String actor = issuedBy != null ? issuedBy : asked.parent() == null ? asked.principal() : "unknown";
    return new AuthorityRecord(time, -1, AuthorityRecord.REFUSE_GRANT, actor, AuthorityRecord.GRANT, asked.id(),
        List.of(), AuthorityDetails.refusedGrant(asked, issuedBy, reason));
  }

  /**
   * A grant was revoked by {@code actor} (usually {@link AuthorityRecord#HOST}).
   *
   * @param cutOff the grant, then its descendants
   */
  public static AuthorityRecord revokeGrant(Instant time, long seq, String actor, String grantId, List<String> cutOff) {
    return new AuthorityRecord(time, seq, AuthorityRecord.REVOKE_GRANT, actor, AuthorityRecord.GRANT, grantId,
        cutOff, Map.of());
  }

  /**
   * The decision point let a grant go at its expiry.
   *
   * @param cutOff the grant, then its descendants
   */
  public static AuthorityRecord expireGrant(Instant time, long seq, String grantId, Instant expiresAt,
      List<String> cutOff) {
    return new AuthorityRecord(time, seq, AuthorityRecord.EXPIRE_GRANT, AuthorityRecord.DECISION_POINT,
        AuthorityRecord.GRANT, grantId, cutOff, AuthorityDetails.expiry(expiresAt));
  }

  /** A human approved one exact call; the actor is the approver, the time the approval's issue time. */
  public static AuthorityRecord approve(long seq, Approval a) {
    return new AuthorityRecord(a.issuedAt(), seq, AuthorityRecord.APPROVE, a.approver(), AuthorityRecord.APPROVAL,
        a.id(), List.of(), AuthorityDetails.approval(a));
  }

  /** A new policy was installed by {@code actor}; the id is the new version. */
  public static AuthorityRecord swapPolicy(Instant time, long seq, String actor, String oldVersion, Policy installed) {
    return new AuthorityRecord(time, seq, AuthorityRecord.SWAP_POLICY, actor, AuthorityRecord.POLICY,
        installed.version(), List.of(), AuthorityDetails.swap(oldVersion, installed.version(), installed.source()));
  }

  /** A policy was rejected; the one in force stays, so there is no sequence number. */
  public static AuthorityRecord refusePolicy(Instant time, String actor, String oldVersion, Policy refused,
      String reason) {
    Map<String, Object> details = AuthorityDetails.swap(oldVersion, refused.version(), refused.source());
    details.put("reason", Objects.requireNonNull(reason, "reason"));
    return new AuthorityRecord(time, -1, AuthorityRecord.REFUSE_POLICY, actor, AuthorityRecord.POLICY,
        refused.version(), List.of(), details);
  }

  /** A principal's entitlements were replaced by {@code actor}. */
  public static AuthorityRecord setEntitlements(Instant time, long seq, String actor, String principalId,
      List<Scope> entitlements) {
    return new AuthorityRecord(time, seq, AuthorityRecord.SET_ENTITLEMENTS, actor, AuthorityRecord.PRINCIPAL,
        principalId, List.of(), AuthorityDetails.entitlements(entitlements));
  }

  /**
   * An agent's lifecycle state was set by {@code actor}: {@code SUSPENDED} is
   * {@value AuthorityRecord#SUSPEND_AGENT}, {@code ACTIVE} {@value AuthorityRecord#RESUME_AGENT},
   * {@code REVOKED} {@value AuthorityRecord#REVOKE_AGENT}.
   *
   * @param affected ids cut off by the change, may be empty
   */
  public static AuthorityRecord agentState(Instant time, long seq, String actor, String agentId, AgentState state,
      List<String> affected) {
    String action;
    switch (state) {
      case SUSPENDED:
        action = AuthorityRecord.SUSPEND_AGENT;
        break;
      case ACTIVE:
        action = AuthorityRecord.RESUME_AGENT;
        break;
      default:
        action = AuthorityRecord.REVOKE_AGENT;
        break;
    }
    return new AuthorityRecord(time, seq, action, actor, AuthorityRecord.AGENT, agentId, affected, Map.of());
  }
}
