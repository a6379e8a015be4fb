package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.spi.AuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTraceTest {
  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private Remit remit() {
    return AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.jsonLines(log()).build()).build());
  }

  @Test
  void aTraceOfOneDecisionShowsInvokerIntentAuthorityCallCredentialsAndOutcome() {
    String id;
    try (Remit remit = remit()) {
      id = Guard.of(remit).call(AuditFixture.refund(20), ex -> {
        ex.changed("refund_id", "r-1").credentialIssued("cred-9");
        return ex.decision().id();
      });
    }
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), id);
    assertThat(t.decisionIds()).containsExactly(id);
    assertThat(t.anomalies()).isEmpty();
    assertThat(t.report())
        .contains("decision " + id)
        .contains("invoker:     user:alice@example.com")
        .contains("intent:      sha256:")
        .contains("agent:       support-bot (component refunder), task T-1")
        .contains("authority:   principal alice -> grant g-root (held by support-bot) -> grant g-sub (held by refunder, task T-1)")
        .contains("call:        refunder billing.refund on invoices/42")
        .contains("obligation:  mint-credential")
        .contains("credentials: cred-9")
        .contains("outcome:     SUCCEEDED")
        .contains("{\"refund_id\":\"r-1\"}")
        .contains("anomalies: none");
  }

  @Test
  void anAllowThatNeverRanAndArgumentsThatDifferedAreFlagged() {
    String unexecuted;
    String mismatched;
    try (Remit remit = remit()) {
      unexecuted = remit.authorize(AuditFixture.refund(10)).id();
      Map<String, Object> other = new HashMap<>(AuditFixture.refund(30).args());
      other.put("amount", 999);
      try {
        Guard.of(remit).call(AuditFixture.refund(30), other, ex -> "never");
        mismatched = null;
      } catch (ArgumentMismatchException e) {
        mismatched = e.decision().id();
      }
    }
    AuditLog.Trace t = AuditLog.traceTask(List.of(log()), "T-1");
    assertThat(t.decisionIds()).containsExactly(unexecuted, mismatched);
    assertThat(t.anomalies()).extracting(AuditLog.Anomaly::kind, AuditLog.Anomaly::decisionId).containsExactly(
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.ALLOWED_NOT_EXECUTED, unexecuted),
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.ARGUMENTS_MISMATCH, mismatched));
  }

  @Test
  void callsWithoutAnAllowAndActivityAfterARevocationAreFlagged() throws Exception {
    Instant t0 = AuditFixture.NOW;
    DelegationChain chain = new DelegationChain("alice", List.of(
        new DelegationChain.Hop("g-root", "support-bot", "alice", null),
        new DelegationChain.Hop("g-sub", "refunder", "support-bot", "T-1")));
    try (AuditSink sink = AuditSinks.jsonLines(log()).build()) {
      sink.write(decision("d-1", t0, Outcome.ALLOW, chain));
      sink.write(decision("d-2", t0, Outcome.DENY, null));
      sink.write(dev.remit.internal.audit.AuthorityRecords.revokeGrant(t0.plusSeconds(10), 4, "host", "g-root",
          List.of("g-root", "g-sub")));
      sink.write(outcome("d-1", t0.plusSeconds(20), Duration.ofSeconds(1))); // started after the revocation
      sink.write(outcome("d-2", t0.plusSeconds(21), Duration.ofMillis(5))); // ran although denied
      sink.write(outcome("d-404", t0.plusSeconds(22), Duration.ofMillis(5))); // no decision at all
      sink.write(decision("d-3", t0.plusSeconds(30), Outcome.ALLOW, chain)); // allowed after the revocation
    }
    AuditLog.Trace t = AuditLog.traceTask(List.of(log()), "T-1");
    assertThat(t.anomalies()).extracting(AuditLog.Anomaly::kind, AuditLog.Anomaly::decisionId).containsExactly(
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.ACTIVITY_AFTER_REVOCATION, "d-1"),
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.EXECUTED_WITHOUT_ALLOW, "d-2"),
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.ALLOWED_NOT_EXECUTED, "d-3"),
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.ACTIVITY_AFTER_REVOCATION, "d-3"),
        org.assertj.core.groups.Tuple.tuple(AuditLog.AnomalyKind.EXECUTED_WITHOUT_ALLOW, "d-404"));
    assertThat(AuditLog.traceDecision(List.of(log()), "d-404").anomalies()).extracting(AuditLog.Anomaly::kind)
        .containsExactly(AuditLog.AnomalyKind.EXECUTED_WITHOUT_ALLOW);
    assertThat(AuditLog.verify(List.of(log())).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void anUnknownDecisionIsSaidPlainly() {
    try (Remit remit = remit()) {
      remit.authorize(AuditFixture.refund(1));
    }
    AuditLog.Trace t = AuditLog.traceDecision(List.of(log()), "nope");
    assertThat(t.decisionIds()).isEmpty();
    assertThat(t.report()).isEqualTo("no decision 'nope' in the log\n");
  }

  private static AuditRecord.DecisionRecord decision(String id, Instant at, Outcome outcome, DelegationChain chain) {
    return new AuditRecord.DecisionRecord(at, id, outcome,
        List.of(outcome == Outcome.ALLOW ? ReasonCode.GRANT_MATCHED : ReasonCode.NO_MATCHING_GRANT),
        "refunder", "support-bot", "refunder", "T-1", chain == null ? null : "g-sub", chain, "user:alice", null, null,
        "billing", "refund", "invoices/1", null, Map.of("amount", 1), "sha256:aa", Map.of(), "v7", 1, false, 1000,
        List.of(), null, null);
  }

  private static AuditRecord.OutcomeRecord outcome(String id, Instant end, Duration took) {
    return new AuditRecord.OutcomeRecord(end, id, AuditRecord.Status.SUCCEEDED, "refunder", "billing", "refund",
        "invoices/1", "sha256:aa", "sha256:aa", took.toNanos(), Map.of(), List.of(), null, false, null);
  }
}
