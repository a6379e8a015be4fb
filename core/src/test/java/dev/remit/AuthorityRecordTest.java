package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remit.AuditRecord.AuthorityRecord;
import dev.remit.internal.audit.AuthorityDetails;
import dev.remit.internal.audit.AuthorityRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authority records: their shape, their details, and their way through every sink. */
class AuthorityRecordTest {
  private static final Instant T = AuditFixture.NOW;

  private static Grant subGrant() {
    return Grant.builder("g-task").principal("alice").parent("g-root").holder("refunder").task("T-1")
        .scope(Scope.of("billing", List.of("refund"), "invoices/**").withConstraints("args.amount <= 500"))
        .constraint("context.channel == chat")
        .notBefore(T).expiresAt(T.plus(Duration.ofHours(2)))
        .window(new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("Europe/Paris"),
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY)))
        .maxCalls(5)
        .credential(new CredentialSpec("billing-api", List.of("refund"), Duration.ofMinutes(5)))
        .build();
  }

  private static Approval approval(Map<String, String> bound) {
    return new Approval("apr-1", "alice", "finance", "refunder", "billing", "refund", "invoices/42", bound,
        T, T.plus(Duration.ofMinutes(5)), 1);
  }

  @Test
  void aRecordRefusesAnUnknownActionAMismatchedTargetABlankActorAndASeqBelowMinusOne() {
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "grant-stuff", "host", "grant", "g", List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown authority action 'grant-stuff'; one of [issue-grant, refuse-grant,");
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "suspend-agent", "host", "grant", "bot", List.of(), Map.of()))
        .hasMessage("action suspend-agent applies to a agent, not a grant");
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "revoke-grant", " ", "grant", "g", List.of(), Map.of()))
        .hasMessage("actor must not be blank");
    assertThatThrownBy(() -> new AuthorityRecord(T, -2, "revoke-grant", "host", "grant", "g", List.of(), Map.of()))
        .hasMessage("seq must be -1 (none) or a sequence number, was -2");
    assertThat(new AuthorityRecord(T, -1, "revoke-grant", "host", "grant", "g", List.of(), null).details()).isEmpty();
  }

  @Test
  void detailsAreDeepCopiedAndCannotBeChangedAfterwards() {
    List<Object> scopes = new ArrayList<>(List.of("a"));
    Map<String, Object> nested = new HashMap<>(Map.of("scopes", scopes));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("nested", nested);
    details.put("nothing", null);
    AuthorityRecord r = new AuthorityRecord(T, 3, "set-entitlements", "host", "principal", "alice", List.of(), details);
    scopes.add("b");
    nested.put("more", 1);
    details.put("later", true);
    assertThat(r.details()).containsOnlyKeys("nested", "nothing");
    assertThat(r.details().get("nested")).isEqualTo(Map.of("scopes", List.of("a")));
    assertThatThrownBy(() -> r.details().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> copied = (List<Object>) ((Map<String, Object>) r.details().get("nested")).get("scopes");
    assertThatThrownBy(() -> copied.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void detailsRefuseValuesThatAreNotJsonAndStructuresTooDeepOrCyclic() {
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "approve", "bob", "approval", "apr-1", List.of(),
        Map.of("bound", Map.of("when", Instant.EPOCH))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("details.bound.when: a java.time.Instant is not a JSON value"
            + " (strings, numbers, booleans, null, lists and maps with string keys only)");
    Map<String, Object> cycle = new HashMap<>();
    cycle.put("self", cycle);
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "approve", "bob", "approval", "apr-1", List.of(), cycle))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper than 32 (or a cycle)");
    assertThatThrownBy(() -> new AuthorityRecord(T, 1, "approve", "bob", "approval", "apr-1", List.of(),
        Map.of("bound", Map.of(1, "x"))))
        .hasMessage("details.bound: key 1 is not a string");
  }

  @Test
  void theDetailsOfAGrantHoldItsWholeContentAndWhoIssuedIt() {
    Map<String, Object> d = AuthorityDetails.grant(subGrant(), "support-bot");
    assertThat(d).containsExactly(
        Map.entry("principal", "alice"),
        Map.entry("holder", "refunder"),
        Map.entry("parent", "g-root"),
        Map.entry("task", "T-1"),
        Map.entry("scopes", List.of(Map.of("tools", List.of("billing"), "operations", List.of("refund"),
            "resources", List.of("invoices/**"), "constraints", List.of("args.amount <= 500")))),
        Map.entry("constraints", List.of("context.channel == chat")),
        Map.entry("not_before", "2026-03-01T10:00:00Z"),
        Map.entry("expires_at", "2026-03-01T12:00:00Z"),
        Map.entry("window", Map.of("start", "09:00", "end", "17:00", "zone", "Europe/Paris",
            "days", List.of("MONDAY", "TUESDAY"))),
        Map.entry("max_calls", 5L),
        Map.entry("credential", Map.of("audience", "billing-api", "scopes", List.of("refund"), "ttl", "PT5M")),
        Map.entry("issued_by", "support-bot"));
    Grant plain = Grant.builder("g").principal("alice").holder("bot").allow("crm", List.of("read"), "**")
        .expiresAt(T.plusSeconds(60)).build();
    Map<String, Object> p = AuthorityDetails.grant(plain, "alice");
    assertThat(p.get("max_calls")).as("unlimited").isNull();
    assertThat(p.get("window")).isNull();
    assertThat(p.get("credential")).isNull();
    assertThat(p.get("not_before")).isNull();
  }

  @Test
  void eachFactoryNamesTheActorTargetAndDetailsItsActionCallsFor() {
    Grant g = subGrant();
    AuthorityRecord issued = AuthorityRecords.issueGrant(T, 4, g, "support-bot");
    assertThat(List.of(issued.action(), issued.actor(), issued.target(), issued.id()))
        .containsExactly("issue-grant", "support-bot", "grant", "g-task");
    assertThat(issued.seq()).isEqualTo(4);
    assertThat(issued.details()).isEqualTo(AuthorityDetails.grant(g, "support-bot"));

    Grant root = Grant.builder("g-x").principal("alice").holder("bot").allow("crm", List.of("read"), "**")
        .expiresAt(T.plusSeconds(60)).build();
    AuthorityRecord refused = AuthorityRecords.refuseGrant(T, root, null, "exceeds entitlements");
    assertThat(List.of(refused.action(), refused.actor(), refused.id())).containsExactly("refuse-grant", "alice", "g-x");
    assertThat(refused.seq()).isEqualTo(-1);
    assertThat(refused.details()).containsEntry("reason", "exceeds entitlements").containsEntry("holder", "bot");
    assertThat(AuthorityRecords.refuseGrant(T, g, null, "no parent g-root").actor())
        .as("a sub-grant whose parent, and so whose issuer, is unknown").isEqualTo("unknown");

    Approval a = approval(Map.of("args.amount", "5000"));
    AuthorityRecord approved = AuthorityRecords.approve(6, a);
    assertThat(List.of(approved.action(), approved.actor(), approved.target(), approved.id()))
        .containsExactly("approve", "alice", "approval", "apr-1");
    assertThat(approved.time()).isEqualTo(a.issuedAt());
    assertThat(approved.details()).containsEntry("role", "finance").containsEntry("bound", Map.of("args.amount", "5000"))
        .containsEntry("expires_at", "2026-03-01T10:05:00Z").containsEntry("uses", 1);

    Policy next = AuditFixture.policy().toBuilder().version("v8").build();
    AuthorityRecord swapped = AuthorityRecords.swapPolicy(T, 7, "host", "v7", next);
    assertThat(swapped.id()).isEqualTo("v8");
    assertThat(swapped.details()).containsEntry("old_version", "v7").containsEntry("new_version", "v8")
        .containsEntry("source", "<builder>");
    AuthorityRecord rejected = AuthorityRecords.refusePolicy(T, "host", "v7", next, "grant id 'g' is taken");
    assertThat(rejected.seq()).isEqualTo(-1);
    assertThat(rejected.details()).containsEntry("reason", "grant id 'g' is taken");

    AuthorityRecord entitled = AuthorityRecords.setEntitlements(T, 8, "host", "alice",
        List.of(Scope.all("billing", "invoices/**")));
    assertThat(entitled.target()).isEqualTo("principal");
    assertThat(entitled.details()).isEqualTo(Map.of("scopes", List.of(Map.of("tools", List.of("billing"),
        "operations", List.of("*"), "resources", List.of("invoices/**"), "constraints", List.of()))));

    assertThat(List.of(AgentState.SUSPENDED, AgentState.ACTIVE, AgentState.REVOKED).stream()
        .map(s -> AuthorityRecords.agentState(T, 9, "host", "bot", s, List.of()).action()).toList())
        .containsExactly("suspend-agent", "resume-agent", "revoke-agent");
    AuthorityRecord expired = AuthorityRecords.expireGrant(T, 10, "g-task", T, List.of("g-task"));
    assertThat(List.of(expired.actor(), expired.target())).containsExactly("remit", "grant");
    assertThat(expired.details()).isEqualTo(Map.of("expires_at", "2026-03-01T10:00:00Z"));
  }

  @Test
  void authorityRecordsReachTheMemorySlf4jAndFileSinksAndTheFileChainVerifies(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.jsonl");
    MemoryAuditSink mem = AuditSinks.memory();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    AuthorityRecord issued = AuthorityRecords.issueGrant(T, 12, subGrant(), "support-bot");
    AuthorityRecord approved = AuthorityRecords.approve(13, approval(Map.of("args.amount", "5000")));
    try {
      AuditTrail trail = AuditTrail.builder().sink(mem).sink(AuditSinks.slf4j())
          .sink(AuditSinks.jsonLines(log).build()).build();
      try (Remit remit = AuditFixture.remit(trail)) {
        trail.authority(issued);
        remit.authorize(AuditFixture.refund(20));
        trail.authority(approved);
        remit.revokeGrant("g-root");
        assertThat(trail.flush()).isTrue();
        assertThat(trail.stats()).isEqualTo(new AuditStats(4, 4, 0, 0, 0));
      }
    } finally {
      System.setErr(original);
    }
    assertThat(mem.authority()).hasSize(3);
    assertThat(mem.authority().get(0)).isEqualTo(issued);
    assertThat(mem.authority().get(1)).isEqualTo(approved);
    List<JsonNode> logged = new ArrayList<>();
    for (String l : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (l.contains(" " + AuditSinks.LOGGER_NAME + " - ") && l.contains("\"kind\":\"authority\"")) {
        logged.add(new ObjectMapper().readTree(l.substring(l.indexOf(" - ") + 3)));
      }
    }
    assertThat(logged).extracting(n -> n.get("action").asText()).containsExactly("issue-grant", "approve", "revoke-grant");
    assertThat(logged.get(0).at("/details/scopes/0/constraints/0").asText()).isEqualTo("args.amount <= 500");
    AuditLog.Verification v = AuditLog.verify(List.of(log));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(4);
    List<String> lines = Files.readAllLines(log);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("seq").asLong()).as("the chain's own number").isZero();
    assertThat(first.get("change_seq").asLong()).as("the change's number, beside it").isEqualTo(12);
    assertThat(first.at("/details/issued_by").asText()).isEqualTo("support-bot");
    JsonNode revoked = new ObjectMapper().readTree(lines.get(3));
    assertThat(revoked.get("actor").asText()).isEqualTo("host");
    assertThat(revoked.get("affected")).hasSize(2);
  }

  @Test
  void redactionHidesCallDataAnApprovalHoldsButNeverBreaksOrTouchesOtherAuthorityRecords(@TempDir Path dir) {
    Map<String, String> bound = new LinkedHashMap<>();
    bound.put("args", "{\"amount\":20,\"card_number\":\"4111\"}");
    bound.put("args.amount", "20");
    bound.put("args.card_number", "\"4111\"");
    bound.put("args.payer.iban", "\"DE00\"");
    bound.put("context.invoker", "\"user:alice\"");
    bound.put("resource.id", "\"invoices/42\"");
    bound.put("agent.environment", "\"production\"");
    Path log = dir.resolve("audit.jsonl");
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).sink(AuditSinks.jsonLines(log).build())
        .redact("args.card_number", "args.payer.*", "invoker", "resource", "context.user_email", "changes.token")
        .build();
    AuthorityRecord issued = AuthorityRecords.issueGrant(T, 1, subGrant(), "support-bot");
    try (Remit remit = AuditFixture.remit(trail)) {
      trail.authority(AuthorityRecords.approve(2, approval(bound)));
      trail.authority(issued);
      assertThat(trail.flush()).isTrue();
      assertThat(trail.stats().sinkErrors()).isZero();
    }
    Map<String, Object> d = mem.authority().get(0).details();
    assertThat(d.get("resource")).isEqualTo("[REDACTED]");
    assertThat(d.get("bound")).isEqualTo(Map.of(
        "args", "[REDACTED]", // holds every argument, the card number among them
        "args.amount", "20",
        "args.card_number", "[REDACTED]",
        "args.payer.iban", "[REDACTED]",
        "context.invoker", "[REDACTED]",
        "resource.id", "[REDACTED]",
        "agent.environment", "\"production\""));
    assertThat(d.get("approver")).isEqualTo("alice");
    assertThat(mem.authority().get(1)).as("a grant holds patterns, not call data").isEqualTo(issued);
    assertThat(AuditLog.verify(List.of(log)).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void aRecordWithoutRedactionPathsIsPassedOnAsItIs() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuthorityRecord approved = AuthorityRecords.approve(2, approval(Map.of("args", "{}")));
    try (AuditTrail trail = AuditTrail.builder().sink(mem).build()) {
      trail.authority(approved);
      assertThat(trail.flush()).isTrue();
    }
    assertThat(mem.authority()).singleElement().isSameAs(approved);
  }
}
