package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Everything that creates, changes or removes authority leaves a record, with its change's sequence number. */
class AuthorityAuditTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void everyChangeOfAuthorityIsRecordedInOrderWithItsSequenceNumberAndActor() {
    MemoryAuditSink mem = AuditSinks.memory();
    MutableClock clock = new MutableClock(AuditFixture.NOW);
    try (Remit remit = Remit.builder().policy(AuditFixture.policy()).clock(clock)
        .audit(AuditTrail.builder().sink(mem).build()).build()) {
      remit.issue(Grant.builder("g-rt").principal("alice").holder("support-bot").task("T-2")
          .allow("billing", List.of("read"), "invoices/**").ttl(HOUR));
      remit.delegate("support-bot", Grant.builder("g-rt-sub").parent("g-rt").holder("refunder").task("T-2")
          .allow("billing", List.of("read"), "invoices/7").ttl(Duration.ofMinutes(5)));
      assertThatThrownBy(() -> remit.delegate("refunder", Grant.builder("g-stolen").parent("g-rt")
          .holder("refunder").task("T-2").allow("billing", List.of("read"), "invoices/7").ttl(HOUR)))
          .isInstanceOf(GrantRefusedException.class);
      Request big = AuditFixture.refund(5000);
      Approval a = remit.approve(big, "alice", "finance", Duration.ofMinutes(10));
      remit.restrictEntitlements("alice", List.of(Scope.all("billing", "invoices/1/**")));
      remit.liftEntitlementRestriction("alice");
      remit.suspendAgent("support-bot");
      remit.resumeAgent("support-bot");
      remit.revokeGrant("g-rt");
      remit.swapPolicy(AuditFixture.policy());
      clock.advance(Duration.ofDays(31)); // every grant has expired by now
      remit.issue(Grant.builder("g-late").principal("alice").holder("support-bot")
          .allow("billing", List.of("read"), "invoices/**").ttl(HOUR)); // a change sweeps the expired ones
      remit.auditTrail().flush();

      List<AuditRecord.AuthorityRecord> rs = mem.authority();
      assertThat(rs).extracting(AuditRecord.AuthorityRecord::action).containsExactly(
          "issue-grant", "issue-grant", "refuse-grant", "approve", "set-entitlements", "set-entitlements",
          "suspend-agent", "resume-agent", "revoke-grant", "swap-policy", "issue-grant");
      assertThat(rs).extracting(AuditRecord.AuthorityRecord::actor).containsExactly(
          "alice", "support-bot", "refunder", "alice", "host", "host", "host", "host", "host", "host", "alice");
      assertThat(rs).extracting(AuditRecord.AuthorityRecord::seq)
          .as("changes carry the feed's sequence numbers; a refusal and a swap have none")
          .containsExactly(1L, 2L, -1L, 3L, 4L, 5L, 6L, 7L, 8L, -1L, 9L);
      assertThat(rs.get(1).details()).containsEntry("issued_by", "support-bot").containsEntry("parent", "g-rt");
      assertThat(rs.get(2).details().get("reason").toString()).contains("does not hold parent grant 'g-rt'");
      assertThat(rs.get(3).id()).isEqualTo(a.id());
      assertThat(rs.get(5).details()).isEqualTo(Map.of("lifted", true));
      assertThat(rs.get(8).affected()).containsExactly("g-rt", "g-rt-sub");
    }
  }

  @Test
  void grantsSeenExpiredAreRecordedWhenTheyLeaveTheIndexes() {
    MemoryAuditSink mem = AuditSinks.memory();
    MutableClock clock = new MutableClock(AuditFixture.NOW);
    try (Remit remit = Remit.builder().policy(AuditFixture.policy()).clock(clock)
        .audit(AuditTrail.builder().sink(mem).build()).build()) {
      remit.issue(Grant.builder("g-short").principal("alice").holder("support-bot").task("T-9")
          .allow("billing", List.of("read"), "invoices/**").ttl(Duration.ofMinutes(1)));
      clock.advance(Duration.ofMinutes(2));
      Decision d = remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/1").task("T-9").build());
      assertThat(d.codes()).containsExactly(ReasonCode.GRANT_EXPIRED);
      remit.auditTrail().flush();
      assertThat(mem.authority()).extracting(AuditRecord.AuthorityRecord::action)
          .containsExactly("issue-grant", "expire-grant");
      assertThat(mem.authority().get(1).id()).isEqualTo("g-short");
      assertThat(mem.authority().get(1).actor()).isEqualTo(AuditRecord.AuthorityRecord.DECISION_POINT);
    }
  }
}
