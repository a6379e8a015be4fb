package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code remit demo --audit-log FILE} and the {@code remit audit} commands on what it writes. */
class DemoAuditLogTest {
  /**
   * 10 decisions, 5 outcomes (one per ALLOW), 6 authority records: three grants issued (two root
   * grants, one delegation), the refused wider delegation, the approval, the revocation.
   */
  private static final int RECORDS = 21;

  @TempDir
  Path dir;

  private Path demoLog() {
    Path log = dir.resolve("demo-audit.jsonl");
    Cli demo = Cli.run("demo", "--audit-log", log.toString());
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.err()).isEmpty();
    return log;
  }

  @Test
  void theDemoWritesAnAuditLogThatAuditVerifyFindsIntact() {
    Path log = demoLog();
    Cli verify = Cli.run("audit", "verify", log.toString());
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.out()).startsWith("INTACT: " + RECORDS + " records, head seq " + (RECORDS - 1) + ", head hash ");
  }

  @Test
  void theDemoSaysWhereTheAuditLogIsAndHowToCheckIt() {
    Path log = dir.resolve("demo-audit.jsonl");
    Cli demo = Cli.run("demo", "--audit-log", log.toString());
    assertThat(demo.out()).endsWith(String.join(System.lineSeparator(),
        "Audit trail: " + RECORDS + " records written to " + log + " (task paris-offsite)",
        "  verify it:  remit audit verify " + log,
        "  trace it:   remit audit trace --task paris-offsite " + log, ""));
  }

  @Test
  void theAuditedDemoTellsTheSameStoryAsThePlainOne() {
    Path log = dir.resolve("demo-audit.jsonl");
    assertThat(Cli.run("demo", "--audit-log", log.toString()).out()).startsWith(Cli.run("demo").out());
  }

  @Test
  void runningTheDemoAgainReplacesTheLogWithAFreshChain() {
    demoLog();
    Path log = demoLog();
    assertThat(Cli.run("audit", "verify", log.toString()).out()).startsWith("INTACT: " + RECORDS + " records");
  }

  @Test
  void flippingTheOutcomeOfOneDecisionMakesVerifyFailNamingItsLine() throws Exception {
    Path log = demoLog();
    int line = tamper(log, "NO_MATCHING_GRANT", "\"outcome\":\"DENY\"", "\"outcome\":\"ALLOW\"");
    Cli verify = Cli.run("audit", "verify", log.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.err()).contains(log + ":" + line + ": MODIFIED (seq " + (line - 1) + ")",
        "TAMPERED: first problem at " + log + " line " + line + " (MODIFIED)");
  }

  @Test
  void changingTheAmountOfThePaidCallMakesVerifyFailNamingItsLine() throws Exception {
    Path log = demoLog();
    int line = tamper(log, "APPROVAL_ACCEPTED", "\"amount\":480", "\"amount\":4800");
    Cli verify = Cli.run("audit", "verify", log.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.err()).contains("TAMPERED: first problem at " + log + " line " + line + " (MODIFIED)",
        "(seq " + (line - 1) + ")");
  }

  @Test
  void traceOfTheDemoTaskShowsInvokerIntentAndEachDecisionWithItsOutcome() throws Exception {
    Path log = demoLog();
    Cli trace = Cli.run("audit", "trace", "--task", Demo.TASK, log.toString());
    assertThat(trace.exit()).as(trace.out() + trace.err()).isZero();
    String intentDigest = "sha256:" + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Demo.INTENT.getBytes(StandardCharsets.UTF_8)));

    List<String> blocks = blocks(trace.out());
    List<Outcome> expected = Demo.steps().stream()
        .filter(s -> s instanceof Demo.Call).map(s -> ((Demo.Call) s).expected()).toList();
    assertThat(blocks).hasSameSizeAs(expected);
    for (int i = 0; i < blocks.size(); i++) {
      String b = blocks.get(i);
      assertThat(b).contains("  " + expected.get(i) + " [", "  invoker:     " + Demo.INVOKER + "\n",
          "  intent:      " + intentDigest + "\n", ", task " + Demo.TASK + "\n");
      assertThat(b).doesNotContain(Demo.INTENT); // only the digest is recorded
      assertThat(b).contains(expected.get(i) == Outcome.ALLOW ? "  outcome:     SUCCEEDED at " : "  outcome:     none recorded");
    }
    assertThat(trace.out()).contains(
        "travel-bot hotels.book on trips/paris/hotel-7",
        "changed {\"booking\":\"hotel-7 reserved, 3 nights\"}",
        "cred-pay-1",
        "changed {\"payment\":\"480 EUR to hotel-7\"}");
    assertThat(trace.out()).endsWith("anomalies: none\n");
  }

  @Test
  void traceOfOneDecisionOfTheDemoShowsItsCredentialAndOutcome() throws Exception {
    Path log = demoLog();
    Matcher m = Pattern.compile("\"decision_id\":\"([^\"]+)\",\"outcome\":\"ALLOW\",\"reasons\":\\[\"GRANT_MATCHED\","
        + "\"APPROVAL_ACCEPTED\"\\]").matcher(Files.readString(log));
    assertThat(m.find()).isTrue();
    Cli trace = Cli.run("audit", "trace", "--decision", m.group(1), log.toString());
    assertThat(trace.exit()).as(trace.out() + trace.err()).isZero();
    assertThat(trace.out()).startsWith("decision " + m.group(1) + "  ").contains(
        "travel-bot payments.pay on trips/paris/booking-42", "cred-pay-1", "  outcome:     SUCCEEDED at ",
        "anomalies: none");
  }

  @Test
  void anAuditLogThatCannotBeWrittenIsBadInputAndNothingRuns() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "");
    Cli demo = Cli.run("demo", "--audit-log", notADirectory.resolve("audit.jsonl").toString());
    assertThat(demo.exit()).isEqualTo(2);
    assertThat(demo.out()).isEmpty();
    assertThat(demo.err()).startsWith("remit demo: cannot write the audit log " + notADirectory.resolve("audit.jsonl"));
  }

  /**
   * Replaces {@code from} by {@code to} in the first line of the log that contains {@code marker}
   * and {@code from}; returns its 1-based line number.
   */
  private static int tamper(Path log, String marker, String from, String to) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker) && lines.get(i).contains(from)) {
        lines.set(i, lines.get(i).replaceFirst(Pattern.quote(from), to));
        Files.writeString(log, String.join("\n", lines) + "\n");
        return i + 1;
      }
    }
    throw new AssertionError("no line of " + log + " contains " + from);
  }

  /** Splits a trace report into one block per decision. */
  private static List<String> blocks(String report) {
    List<String> blocks = new ArrayList<>();
    for (String part : report.split("(?m)^(?=decision )")) {
      if (part.startsWith("decision ")) {
        blocks.add(part);
      }
    }
    return blocks;
  }
}
