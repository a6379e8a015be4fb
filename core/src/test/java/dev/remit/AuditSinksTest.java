package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuditSinksTest {

  @Test
  void theSlf4jSinkLogsOneJsonLinePerRecordUnderTheDocumentedLogger() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.slf4j()).build())) {
      remit.authorize(AuditFixture.refund(20));
      remit.auditTrail().flush();
    } finally {
      System.setErr(original);
    }
    String line = Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.contains(" " + AuditSinks.LOGGER_NAME + " - ")).findFirst().orElseThrow();
    JsonNode n = new ObjectMapper().readTree(line.substring(line.indexOf(" - ") + 3));
    assertThat(line).contains("INFO dev.remit.audit - ");
    assertThat(n.get("kind").asText()).isEqualTo("decision");
    assertThat(n.get("outcome").asText()).isEqualTo("ALLOW");
    assertThat(n.get("args_digest").asText()).startsWith("sha256:");
    assertThat(n.has("seq")).isFalse();
  }

  @Test
  void theSlf4jSinkCanEmitTheOpaDecisionLogShape() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.slf4j(AuditFormat.OPA_DECISION_LOG)).build())) {
      remit.authorize(AuditFixture.refund(20));
      remit.auditTrail().flush();
    } finally {
      System.setErr(original);
    }
    String line = Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.contains(" " + AuditSinks.LOGGER_NAME + " - ")).findFirst().orElseThrow();
    JsonNode n = new ObjectMapper().readTree(line.substring(line.indexOf(" - ") + 3));
    assertThat(n.get("path").asText()).isEqualTo("remit/authorize");
    assertThat(n.at("/input/action/properties/tool").asText()).isEqualTo("billing");
    assertThat(n.at("/labels/policy_version").asText()).isEqualTo("v7");
  }

  @Test
  void theMemorySinkKeepsRecordsInOrderUntilCleared() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/1").build());
      remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/2").build());
      remit.auditTrail().flush();
      assertThat(mem.decisions()).extracting(AuditRecord.DecisionRecord::resource).containsExactly("invoices/1", "invoices/2");
      mem.clear();
      assertThat(mem.records()).isEmpty();
    }
  }

  @Test
  void fileSinkSettingsAreCheckedOnArrival() {
    assertThatThrownBy(() -> AuditSinks.jsonLines(Path.of("x")).rotateAtBytes(0))
        .hasMessage("rotation size must be positive, was 0");
    assertThatThrownBy(() -> AuditSinks.jsonLines(Path.of("x")).rotateEvery(Duration.ZERO))
        .hasMessage("rotation interval must be positive, was PT0S");
  }
}
