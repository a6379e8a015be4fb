package dev.remit;

import dev.remit.internal.audit.AuthorityRecords;
import dev.remit.internal.engine.Events;
import java.time.Instant;
import java.util.List;

/**
 * Turns the engine's changes of authority into audit records: every grant issued or refused,
 * revoked or expired, every approval, lifecycle change, entitlement restriction and policy swap,
 * each with the state change's sequence number where it has one.
 */
final class AuthorityAudit implements Events {
  private final AuditTrail trail;

  AuthorityAudit(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public void issued(long seq, Instant at, Grant grant, String principal, String issuedBy) {
    trail.authority(AuthorityRecords.issueGrant(at, seq, grant, issuedBy));
  }

  @Override
  public void refused(Instant at, Grant grant, String actor, String why) {
    trail.authority(AuthorityRecords.refuseGrant(at, grant, actor, why));
  }

  @Override
  public void revoked(long seq, Instant at, String grantId, String actor, List<String> affected) {
    trail.authority(AuthorityRecords.revokeGrant(at, seq, actor, grantId, affected));
  }

  @Override
  public void expired(Instant at, String grantId, Instant expiresAt) {
    trail.authority(AuthorityRecords.expireGrant(at, -1, grantId, expiresAt, List.of(grantId)));
  }

  @Override
  public void agentState(long seq, Instant at, String agentId, AgentState state, String actor) {
    trail.authority(AuthorityRecords.agentState(at, seq, actor, agentId, state, List.of()));
  }

  @Override
  public void entitlements(long seq, Instant at, String principalId, List<Scope> entitlements, String actor) {
    trail.authority(AuthorityRecords.setEntitlements(at, seq, actor, principalId, entitlements));
  }

  @Override
  public void approved(long seq, Instant at, Approval approval) {
    trail.authority(AuthorityRecords.approve(seq, approval));
  }

  @Override
  public void swapped(Instant at, String fromVersion, Policy installed) {
    trail.authority(AuthorityRecords.swapPolicy(at, -1, Remit.HOST, fromVersion, installed));
  }

  @Override
  public void swapRefused(Instant at, String fromVersion, Policy refused, List<Problem> problems) {
    StringBuilder why = new StringBuilder();
    for (int i = 0; i < problems.size() && i < 20; i++) {
      why.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    if (problems.size() > 20) {
      why.append("; and ").append(problems.size() - 20).append(" more");
    }
    trail.authority(AuthorityRecords.refusePolicy(at, Remit.HOST, fromVersion, refused, why.toString()));
  }
}
