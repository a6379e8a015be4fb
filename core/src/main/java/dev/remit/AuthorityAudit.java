package dev.remit;

import dev.remit.internal.engine.Events;
import java.time.Instant;
import java.util.List;

/** Turns the engine's changes of authority into audit records. */
final class AuthorityAudit implements Events {
  private final AuditTrail trail;

  AuthorityAudit(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public void revoked(long seq, Instant at, String grantId, String actor, List<String> affected) {
    trail.revoked(new AuditRecord.RevocationRecord(at, "grant", grantId, "revoke-grant", affected));
  }

  @Override
  public void agentState(long seq, Instant at, String agentId, AgentState state, String actor) {
    if (state != AgentState.ACTIVE) {
      trail.revoked(new AuditRecord.RevocationRecord(at, "agent", agentId,
          state == AgentState.SUSPENDED ? "suspend-agent" : "revoke-agent", List.of()));
    }
  }
}
