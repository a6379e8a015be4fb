package dev.remit.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Agent;
import dev.remit.AuditSinks;
import dev.remit.AuditTrail;
import dev.remit.Grant;
import dev.remit.Guard;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Scope;
import dev.remit.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return AuditCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static Policy policy() {
    return Policy.builder().version("v1")
        .principal(Principal.human("alice", List.of(Scope.all("crm", "contacts/**"))))
        .agent(Agent.of("bot", "alice", "support", "production"))
        .tool(Tool.of("crm", "read", RiskClass.READ))
        .grant(Grant.builder("g1").principal("alice").holder("bot").task("T-9")
            .allow("crm", List.of("read"), "contacts/**").expiresAt(Instant.parse("2999-01-01T00:00:00Z")).build())
        .build();
  }

  /** Writes a log of three decisions and one outcome; returns the id of the guarded decision. */
  private String writeLog(Path log) {
    Policy policy = policy();
    try (Remit remit = Remit.builder().policy(policy)
        .audit(AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build()).build()) {
      remit.authorize(Request.of("bot", "crm", "read").resource("contacts/1").task("T-9").build());
      remit.authorize(Request.of("bot", "crm", "read").resource("orders/1").build());
      return Guard.of(remit).call(Request.of("bot", "crm", "read").resource("contacts/2").task("T-9")
          .context("invoker", "user:alice").build(), ex -> ex.decision().id());
    }
  }

  @Test
  void verifyExitsZeroOnAnIntactLog() {
    Path log = dir.resolve("audit.jsonl");
    writeLog(log);
    assertThat(run("verify", log.toString())).isEqualTo(0);
    assertThat(out()).startsWith("INTACT: 4 records, head seq 3, head hash ");
  }

  @Test
  void verifyExitsOneNamingThePositionOnceARecordIsChanged() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    writeLog(log);
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("orders/1", "orders/2"));
    Files.write(log, lines);
    assertThat(run("verify", log.toString())).isEqualTo(1);
    assertThat(err()).contains("audit.jsonl:2: MODIFIED (seq 1): the record's content does not match its hash")
        .contains("TAMPERED: first problem at " + log + " line 2 (MODIFIED); 1 records verified before it");
  }

  @Test
  void verifyExitsThreeOnATruncatedTail() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    writeLog(log);
    byte[] b = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(b, b.length - 10));
    assertThat(run("verify", log.toString())).isEqualTo(3);
    assertThat(out()).contains("TRUNCATED_TAIL").contains("INTACT (TRUNCATED TAIL): 3 complete records");
  }

  @Test
  void traceShowsTheDecisionsOfATaskAndFlagsAnAllowThatNeverRan() {
    Path log = dir.resolve("audit.jsonl");
    String id = writeLog(log);
    assertThat(run("trace", "--task", "T-9", log.toString())).isEqualTo(1);
    assertThat(out()).contains("decision " + id).contains("invoker:     user:alice")
        .contains("outcome:     SUCCEEDED").contains("ALLOWED_NOT_EXECUTED");
  }

  @Test
  void traceOfOneGuardedDecisionHasNoAnomalies() {
    Path log = dir.resolve("audit.jsonl");
    String id = writeLog(log);
    assertThat(run("trace", "--decision", id, log.toString())).isEqualTo(0);
    assertThat(out()).contains("anomalies: none");
  }

  @Test
  void traceShowsTheAuthorityBehindADecisionAndARevocationTheDecisionPointRecordedAfterIt() {
    Path log = dir.resolve("audit.jsonl");
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    String id;
    try (Remit remit = Remit.builder().policy(policy()).clock(Clock.fixed(now, ZoneOffset.UTC))
        .audit(AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build()).build()) {
      id = Guard.of(remit).call(Request.of("bot", "crm", "read").resource("contacts/2").task("T-9").build(),
          ex -> ex.decision().id());
      remit.revokeGrant("g1");
    }
    assertThat(run("verify", log.toString())).isEqualTo(0);
    assertThat(out()).startsWith("INTACT: 3 records");
    out.reset();
    assertThat(run("trace", "--decision", id, log.toString())).isEqualTo(0);
    assertThat(out())
        .contains("  authority:   principal alice -> grant g1 (held by bot, task T-9)\n"
            + "  grant:       g1 has no issue record in this log (grants of the policy document, v1, have none)\n"
            + "  change:      revoke-grant g1 at 2026-03-01T10:00:00Z by host (change 1), cut off g1 (at the decision's time,"
            + " logged after it)\n")
        .contains("anomalies: none");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("verify")).isEqualTo(2);
    assertThat(run("verify", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(run("trace", "--decision", "x", "--task", "y", "f")).isEqualTo(2);
    assertThat(err()).contains("no such file: ").contains("give exactly one of --decision ID or --task ID");
  }
}
