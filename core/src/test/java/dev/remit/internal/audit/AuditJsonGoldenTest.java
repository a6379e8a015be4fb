package dev.remit.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.AuditFormat;
import dev.remit.AuditRecord;
import dev.remit.Approval;
import dev.remit.AuditSinks;
import dev.remit.CredentialSpec;
import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.ReasonCode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.remit.spi.AuditSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON of audit records is a file format (hash-chained logs, OPA decision-log pipelines): it
 * must not change by accident. The decision and outcome lines were written by the first
 * implementation; the authority lines (which replaced the revocation record) by the first
 * implementation of authority records.
 */
class AuditJsonGoldenTest {
  static final Instant T = Instant.parse("2026-11-23T10:15:30.123Z");

  static List<AuditRecord> records() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", "v");
    nested.put("n", null);
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("amount", new BigDecimal("12.50"));
    args.put("count", 3);
    args.put("long", 9_007_199_254_740_993L);
    args.put("ratio", 1.5);
    args.put("nan", Double.NaN);
    args.put("inf", Float.NEGATIVE_INFINITY);
    args.put("big", new BigInteger("123456789012345678901234567890"));
    args.put("list", Arrays.asList(1, "a", null, true, List.of()));
    args.put("map", nested);
    args.put("other", new StringBuilder("to-string"));
    args.put("text", "caf\u00e9 \u2028 \"quoted\" back\\slash \t tab");
    args.put("short", (short) 7);
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("risk_score", 0.25);
    context.put("channel", "chat");
    DelegationChain chain = new DelegationChain("alice", List.of(
        new DelegationChain.Hop("g-1", "orchestrator", "alice", "trip-1"),
        new DelegationChain.Hop("g-2", "orchestrator/booker", "orchestrator", null)));
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("role", "finance");
    attrs.put("approver", "bob");
    AuditRecord full = new AuditRecord.DecisionRecord(T, "d-42", Outcome.REQUIRE_APPROVAL,
        List.of(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_REQUIRED), "orchestrator/booker",
        "orchestrator", "orchestrator/booker", "trip-1", "g-2", chain, "user:alice",
        "sha256:abc", "book me a flight", "payments", "transfer", "acct/42", "account", args,
        "sha256:def", context, "v7", 12, true, 1234, List.of(new Obligation.ApprovalNeeded("money", "finance", "money leaves")),
        "ap-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    AuditRecord minimal = new AuditRecord.DecisionRecord(T, "d-43", Outcome.DENY,
        List.of(ReasonCode.UNKNOWN_TOOL), "agent-x", null, null, null, null, null, null, null, null,
        "mail", "send", null, null, Map.of(), "sha256:e3b0", Map.of(), "v7", 0, false, 0,
        List.of(), null, null);
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("rows", 2);
    changes.put("ids", List.of("a", "b"));
    AuditRecord outcome = new AuditRecord.OutcomeRecord(T, "d-42", AuditRecord.Status.FAILED,
        "orchestrator/booker", "payments", "transfer", "acct/42", "sha256:def", "sha256:fed",
        5_000_000, changes, List.of("cred-1", "cred-2"), "java.io.IOException: timeout", true, null);
    return List.of(full, minimal, outcome, issued(), refused(), approved(), revoked());
  }

  /** A sub-grant with every part a grant can have. */
  static Grant grant() {
    return Grant.builder("g-2").principal("alice").parent("g-1").holder("booker").task("trip-1")
        .scope(Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 500"))
        .scope(Scope.all("crm", "contacts/*"))
        .constraint("context.channel == chat")
        .notBefore(T).expiresAt(T.plus(Duration.ofHours(1)))
        .window(new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 30), ZoneId.of("Europe/Paris"),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)))
        .maxCalls(3)
        .credential(new CredentialSpec("bank-api", List.of("transfer"), Duration.ofMinutes(5)))
        .build();
  }

  static AuditRecord issued() {
    return AuthorityRecords.issueGrant(T, 7, grant(), "orchestrator");
  }

  static AuditRecord refused() {
    Grant wide = Grant.builder("g-3").parent("g-2").holder("payer")
        .allow("payments", List.of("*"), "**").expiresAt(T.plus(Duration.ofDays(1))).build();
    return AuthorityRecords.refuseGrant(T, wide, "booker", "scope payments.* on ** exceeds parent g-2");
  }

  static AuditRecord approved() {
    Map<String, String> bound = new LinkedHashMap<>();
    bound.put("args.amount", "500");
    bound.put("args.currency", "\"EUR\"");
    return AuthorityRecords.approve(8, new Approval("ap-1", "bob", "finance", "orchestrator/booker", "payments",
        "transfer", "acct/42", bound, T, T.plus(Duration.ofMinutes(5)), 1));
  }

  static AuditRecord revoked() {
    return AuthorityRecords.revokeGrant(T, 9, AuditRecord.AuthorityRecord.HOST, "g-1", List.of("g-1", "g-2"));
  }

  static List<String> lines() {
    List<String> out = new ArrayList<>();
    for (AuditFormat f : AuditFormat.values()) {
      for (AuditRecord r : records()) {
        out.add(AuditJson.line(r, f));
      }
    }
    return out;
  }

  static List<String> fileLines(Path dir, AuditFormat format) throws Exception {
    Path file = dir.resolve("audit-" + format + ".jsonl");
    AuditSink sink = AuditSinks.jsonLines(file).format(format).build();
    for (AuditRecord r : records()) {
      sink.write(r);
    }
    sink.close();
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  static List<String> golden(String name) throws IOException {
    try (InputStream in = AuditJsonGoldenTest.class.getResourceAsStream("/audit/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void aHashChainedFileIsWrittenExactlyAsBeforeInEveryFormat(@TempDir Path dir) throws Exception {
    for (AuditFormat f : AuditFormat.values()) {
      assertThat(fileLines(dir, f)).as(f.toString())
          .containsExactlyElementsOf(golden("golden-file-" + f + ".jsonl"));
    }
  }

  @Test
  void aRecordOfMegabytesIsWrittenWholeAndTheChainAroundItStaysIntact(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    AuditSink sink = AuditSinks.jsonLines(file).build();
    String huge = "x".repeat(3 << 20);
    sink.write(AuthorityRecords.revokeGrant(T, 1, "host", "g-0", List.of()));
    sink.write(AuthorityRecords.revokeGrant(T, 2, "host", huge, List.of()));
    sink.write(AuthorityRecords.revokeGrant(T, 3, "host", "g-2", List.of("g-3")));
    sink.close();
    dev.remit.AuditLog.Verification v = dev.remit.AuditLog.verify(List.of(file));
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.records()).isEqualTo(3);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(AuditJson.MAPPER.readTree(lines.get(1)).get("id").asText()).isEqualTo(huge);
    assertThat(AuditJson.MAPPER.readTree(lines.get(2)).get("affected").get(0).asText()).isEqualTo("g-3");
  }

  @Test
  void everyRecordKindInEveryFormatSerialisesExactlyAsBefore() throws IOException {
    assertThat(lines()).containsExactlyElementsOf(golden("golden-lines.jsonl"));
  }
}
