package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.remit.AuditLog.AnomalyKind;
import dev.remit.internal.audit.AuditJson;
import dev.remit.internal.audit.AuthorityRecords;
import dev.remit.spi.AuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code remit audit trace} shows the authority behind each decision and flags authority not in force. */
class AuditTraceAuthorityTest {
  private static final Instant T0 = AuditFixture.NOW;
  private static final DelegationChain CHAIN = new DelegationChain("alice", List.of(
      new DelegationChain.Hop("g-root", "support-bot", "alice", null),
      new DelegationChain.Hop("g-sub", "refunder", "support-bot", "T-1")));

  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private void write(AuditRecord... records) throws Exception {
    try (AuditSink sink = AuditSinks.jsonLines(log()).build()) {
      for (AuditRecord r : records) {
        sink.write(r);
      }
    }
  }

  private static Grant root() {
    return Grant.builder("g-root").principal("alice").holder("support-bot")
        .allow("billing", List.of("refund", "read"), "invoices/**").expiresAt(T0.plus(Duration.ofDays(1)))
        .credential(new CredentialSpec("billing-api", List.of("refund"), Duration.ofMinutes(10))).build();
  }

  private static Grant sub() {
    return Grant.builder("g-sub").principal("alice").parent("g-root").holder("refunder").task("T-1")
        .scope(Scope.of("billing", List.of("refund"), "invoices/**").withConstraints("args.amount <= 500"))
        .maxCalls(3).expiresAt(T0.plus(Duration.ofHours(1))).build();
  }

  private static Approval approval(String id, String resource, Instant at, Duration ttl) {
    return new Approval(id, "alice", "finance", "refunder", "billing", "refund", resource,
        Map.of("args.amount", "5000"), at, at.plus(ttl), 1);
  }

  private static AuditRecord.DecisionRecord decision(String id, Instant at, Outcome outcome, DelegationChain chain,
      String approval) {
    return new AuditRecord.DecisionRecord(at, id, outcome,
        List.of(outcome == Outcome.ALLOW ? ReasonCode.GRANT_MATCHED : ReasonCode.NO_MATCHING_GRANT),
        "refunder", "support-bot", "refunder", "T-1", chain == null ? null : "g-sub", chain, "user:alice", null, null,
        "billing", "refund", "invoices/42", null, Map.of("amount", 5000), "sha256:aa", Map.of(), "v7", 1, false, 1000,
        List.of(), approval, null);
  }

  private static AuditRecord.OutcomeRecord outcome(String id, Instant end) {
    return new AuditRecord.OutcomeRecord(end, id, AuditRecord.Status.SUCCEEDED, "refunder", "billing", "refund",
        "invoices/42", "sha256:aa", "sha256:aa", 1000, Map.of(), List.of(), null, false, null);
  }

  @Test
  void eachGrantOfTheChainShowsItsScopeWhoIssuedItAndWhenAndTheApprovalUsedShowsWhoGaveItForWhat() throws Exception {
    write(AuthorityRecords.issueGrant(T0, 1, root(), "alice"),
        AuthorityRecords.issueGrant(T0.plusSeconds(1), 2, sub(), "support-bot"),
        AuthorityRecords.approve(-1, approval("apr-1", "invoices/42", T0.plusSeconds(2), Duration.ofMinutes(5))),
        decision("d-1", T0.plusSeconds(3), Outcome.ALLOW, CHAIN, "apr-1"),
        outcome("d-1", T0.plusSeconds(4)),
        AuthorityRecords.revokeGrant(T0.plusSeconds(10), 3, "host", "g-root", List.of("g-root", "g-sub")));
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), "d-1");
    assertThat(t.report())
        .contains("  grant:       g-root issued by alice at 2026-03-01T10:00:00Z (change 1): billing [refund, read] on"
            + " invoices/**; until 2026-03-02T10:00:00Z; credential billing-api [refund] for PT10M\n")
        .contains("  grant:       g-sub issued by support-bot at 2026-03-01T10:00:01Z (change 2): billing [refund] on"
            + " invoices/** where args.amount <= 500; task T-1; at most 3 calls; until 2026-03-01T11:00:00Z\n")
        .contains("  change:      revoke-grant g-root at 2026-03-01T10:00:10Z by host (change 3), cut off g-root, g-sub"
            + " (after the decision)\n")
        .contains("  approval:    apr-1 by alice (role finance) at 2026-03-01T10:00:02Z: refunder billing.refund on"
            + " invoices/42, bound {\"args.amount\":\"5000\"}, until 2026-03-01T10:05:02Z, 1 use\n");
    assertThat(t.report().indexOf("grant:       g-root")).as("authority comes right after the chain")
        .isGreaterThan(t.report().indexOf("authority:   principal alice"))
        .isLessThan(t.report().indexOf("call:"));
    assertThat(t.anomalies()).as("revoked only after the call").isEmpty();
  }

  @Test
  void aDecisionAllowedByAGrantRevokedBeforeItIsFlaggedAndTheRevocationShownBeforeIt() throws Exception {
    write(AuthorityRecords.issueGrant(T0, 1, root(), "alice"),
        AuthorityRecords.revokeGrant(T0.plusSeconds(10), 2, "host", "g-root", List.of("g-root", "g-sub")),
        decision("d-2", T0.plusSeconds(20), Outcome.ALLOW, CHAIN, null),
        outcome("d-2", T0.plusSeconds(21)));
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), "d-2");
    assertThat(t.report()).contains("change:      revoke-grant g-root at 2026-03-01T10:00:10Z by host (change 2),"
        + " cut off g-root, g-sub (before the decision)");
    assertThat(t.anomalies()).extracting(AuditLog.Anomaly::kind, AuditLog.Anomaly::message).contains(
        tuple(AnomalyKind.ACTIVITY_AFTER_REVOCATION,
            "allowed at 2026-03-01T10:00:20Z after revoke-grant g-root at 2026-03-01T10:00:10Z"));
  }

  @Test
  void aGrantOfThePolicyDocumentHasNoIssueRecordAndThatIsNoAnomaly() {
    Path log = log();
    String id;
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build())) {
      id = Guard.of(remit).call(AuditFixture.refund(20), ex -> ex.decision().id());
    }
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log), id);
    assertThat(t.report()).contains("  grant:       g-root has no issue record in this log (grants of the policy"
        + " document, v7, have none)\n")
        .contains("  grant:       g-sub has no issue record in this log");
    assertThat(t.anomalies()).isEmpty();
  }

  @Test
  void anAllowOnAuthorityTheLogSaysWasNotInForceIsFlaggedButADenyIsNot() throws Exception {
    Grant refused = Grant.builder("g-wide").principal("alice").holder("support-bot")
        .allow("billing", List.of("*"), "**").expiresAt(T0.plus(Duration.ofDays(1))).build();
    Grant late = root().toBuilder().build();
    DelegationChain onWide = new DelegationChain("alice", List.of(new DelegationChain.Hop("g-wide", "support-bot", "alice", null)));
    DelegationChain onRoot = new DelegationChain("alice", List.of(new DelegationChain.Hop("g-root", "support-bot", "alice", null)));
    write(AuthorityRecords.refuseGrant(T0, refused, "alice", "exceeds alice's entitlements"),
        decision("d-refused", T0.plusSeconds(1), Outcome.ALLOW, onWide, null),
        decision("d-denied", T0.plusSeconds(1), Outcome.DENY, onWide, null),
        decision("d-early", T0.plusSeconds(2), Outcome.ALLOW, onRoot, null),
        AuthorityRecords.issueGrant(T0.plusSeconds(3), 1, late, "alice"),
        decision("d-expired", T0.plus(Duration.ofDays(2)), Outcome.ALLOW, onRoot, null),
        AuthorityRecords.approve(-1, approval("apr-other", "invoices/43", T0.plusSeconds(4), Duration.ofMinutes(5))),
        decision("d-other", T0.plusSeconds(5), Outcome.ALLOW, null, "apr-other"),
        AuthorityRecords.approve(-1, approval("apr-old", "invoices/42", T0.plusSeconds(6), Duration.ofMinutes(1))),
        decision("d-old", T0.plusSeconds(600), Outcome.ALLOW, null, "apr-old"));
    AuditLog.Trace t = AuditLog.traceTask(List.of(log()), "T-1");
    assertThat(t.anomalies()).filteredOn(a -> a.kind() == AnomalyKind.AUTHORITY_NOT_IN_FORCE)
        .extracting(AuditLog.Anomaly::decisionId, AuditLog.Anomaly::message).containsExactly(
            tuple("d-refused", "allowed by grant g-wide, which was refused at 2026-03-01T10:00:00Z and never issued in this log"),
            tuple("d-early", "allowed at 2026-03-01T10:00:02Z by grant g-root, issued only at 2026-03-01T10:00:03Z"),
            tuple("d-expired", "allowed at 2026-03-03T10:00:00Z by grant g-root, which expired at 2026-03-02T10:00:00Z"),
            tuple("d-other", "approval apr-other was given for another call: resource invoices/43 (the call: invoices/42)"),
            tuple("d-old", "allowed at 2026-03-01T10:10:00Z with approval apr-old, which expired at 2026-03-01T10:01:06Z"));
    assertThat(t.report()).contains("grant:       g-wide has no issue record; it was refused at 2026-03-01T10:00:00Z"
        + " (asked by alice): exceeds alice's entitlements");
  }

  @Test
  void aSuspensionCutsAnAgentOffOnlyUntilItIsResumed() throws Exception {
    write(AuthorityRecords.agentState(T0.plusSeconds(10), 5, "host", "support-bot", AgentState.SUSPENDED, List.of()),
        decision("d-during", T0.plusSeconds(15), Outcome.ALLOW, CHAIN, null),
        outcome("d-during", T0.plusSeconds(15)),
        AuthorityRecords.agentState(T0.plusSeconds(20), 6, "host", "support-bot", AgentState.ACTIVE, List.of()),
        decision("d-after", T0.plusSeconds(25), Outcome.ALLOW, CHAIN, null),
        outcome("d-after", T0.plusSeconds(25)));
    AuditLog.Trace t = AuditLog.traceTask(List.of(log()), "T-1");
    assertThat(t.anomalies()).extracting(AuditLog.Anomaly::kind, AuditLog.Anomaly::decisionId)
        .containsExactly(tuple(AnomalyKind.ACTIVITY_AFTER_REVOCATION, "d-during"));
    assertThat(t.anomalies().get(0).message()).isEqualTo("allowed at 2026-03-01T10:00:15Z after suspend-agent"
        + " support-bot at 2026-03-01T10:00:10Z (lifted at 2026-03-01T10:00:20Z)");
    assertThat(AuditLog.traceDecision(List.of(log()), "d-after").report())
        .contains("change:      suspend-agent support-bot at 2026-03-01T10:00:10Z by host (change 5) (before the decision)")
        .contains("change:      resume-agent support-bot at 2026-03-01T10:00:20Z by host (change 6) (before the decision)");
  }

  @Test
  void aTaskTraceFirstListsTheGrantsIssuedAndRefusedForTheTaskEvenWithoutADecision() throws Exception {
    Grant wider = Grant.builder("g-wider").parent("g-root").holder("refunder").task("T-1")
        .allow("billing", List.of("*"), "**").expiresAt(T0.plus(Duration.ofHours(1))).build();
    write(AuthorityRecords.issueGrant(T0, 2, sub(), "support-bot"),
        AuthorityRecords.refuseGrant(T0.plusSeconds(1), wider, "support-bot", "scope billing.* on ** exceeds parent g-root"),
        AuthorityRecords.issueGrant(T0, 3, root(), "alice")); // no task: not listed
    AuditLog.Trace t = AuditLog.traceTask(List.of(log()), "T-1");
    assertThat(t.decisionIds()).isEmpty();
    assertThat(t.report()).isEqualTo("authority of task T-1:\n"
        + "  issued:      issue-grant g-sub at 2026-03-01T10:00:00Z by support-bot (change 2): billing [refund] on"
        + " invoices/** where args.amount <= 500; task T-1; at most 3 calls; until 2026-03-01T11:00:00Z\n"
        + "  refused:     refuse-grant g-wider at 2026-03-01T10:00:01Z by support-bot: scope billing.* on ** exceeds"
        + " parent g-root\n"
        + "no decision for task 'T-1' in the log\n");
  }

  @Test
  void anApprovalWithoutAnApproveRecordIsSaidPlainlyAndNotFlagged() throws Exception {
    write(decision("d-1", T0, Outcome.ALLOW, null, "apr-9"), outcome("d-1", T0));
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), "d-1");
    assertThat(t.report()).contains("  approval:    apr-9: no approve record in this log\n");
    assertThat(t.anomalies()).isEmpty();
  }

  @Test
  void aLogWrittenBeforeAuthorityRecordsStillFlagsActivityAfterItsRevocations() throws Exception {
    Files.writeString(log(), AuditJson.line(decision("d-1", T0.plusSeconds(20), Outcome.ALLOW, CHAIN, null), AuditFormat.REMIT)
        + "\n{\"kind\":\"revocation\",\"time\":\"2026-03-01T10:00:10Z\",\"action\":\"revoke-grant\",\"target\":\"grant\","
        + "\"id\":\"g-root\",\"affected\":[\"g-root\",\"g-sub\"]}\n"
        + AuditJson.line(outcome("d-1", T0.plusSeconds(20)), AuditFormat.REMIT) + "\n");
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), "d-1");
    assertThat(t.anomalies()).extracting(AuditLog.Anomaly::kind).containsExactly(AnomalyKind.ACTIVITY_AFTER_REVOCATION);
    assertThat(t.report()).contains("change:      revoke-grant g-root at 2026-03-01T10:00:10Z, cut off g-root, g-sub"
        + " (before the decision)");
  }
}
