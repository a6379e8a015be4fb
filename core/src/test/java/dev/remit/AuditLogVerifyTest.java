package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.internal.audit.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerifyTest {
  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private void write(AuditSinks.JsonLines sink, int decisions) {
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(sink.build()).build())) {
      for (int i = 0; i < decisions; i++) {
        remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/" + i).build());
      }
    }
  }

  private List<String> lines(Path p) throws IOException {
    return new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
  }

  private void rewrite(Path p, List<String> lines) throws IOException {
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static String rehash(String line) {
    String body = line.substring(0, line.length() - 75) + "}";
    return body.substring(0, body.length() - 1) + ",\"hash\":\"" + Digests.sha256Hex(body.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }

  private AuditLog.Finding tampering(Path... files) {
    AuditLog.Verification v = AuditLog.verify(List.of(files));
    assertThat(v.result()).isEqualTo(AuditLog.Result.TAMPERED);
    return v.tampering();
  }

  @Test
  void eachLineCarriesItsSequenceNumberTheHashOfItsPredecessorAndItsOwnHash() throws IOException {
    write(AuditSinks.jsonLines(log()), 5);
    List<String> lines = lines(log());
    assertThat(lines).hasSize(5);
    ObjectMapper m = new ObjectMapper();
    String prev = Digests.GENESIS;
    for (int i = 0; i < 5; i++) {
      ObjectNode n = (ObjectNode) m.readTree(lines.get(i));
      assertThat(n.get("seq").asLong()).isEqualTo(i);
      assertThat(n.get("prev").asText()).isEqualTo(prev);
      assertThat(lines.get(i)).isEqualTo(rehash(lines.get(i)));
      prev = Digests.sha256Hex(lines.get(i).getBytes(StandardCharsets.UTF_8));
    }
    AuditLog.Verification v = AuditLog.verify(List.of(log()));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(5);
    assertThat(v.findings()).isEmpty();
    assertThat(v.headSeq()).isEqualTo(4);
    assertThat(v.headHash()).isEqualTo(prev);
  }

  @Test
  void anEditedRecordIsReportedAsModifiedAtItsLine() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    lines.set(3, lines.get(3).replace("\"outcome\":\"ALLOW\"", "\"outcome\":\"DENY\""));
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.MODIFIED);
    assertThat(f.line()).isEqualTo(4);
    assertThat(f.seq()).isEqualTo(3);
    assertThat(f.toString()).endsWith("audit.jsonl:4: MODIFIED (seq 3): the record's content does not match its hash");
  }

  @Test
  void anEditedAndReHashedRecordBreaksTheLinkOfTheNextOne() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    lines.set(2, rehash(lines.get(2).replace("invoices/2", "invoices/9")));
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.BROKEN_LINK);
    assertThat(f.line()).isEqualTo(4);
  }

  @Test
  void aDeletedRecordIsReportedWhereItIsMissing() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    lines.remove(2);
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.DELETED);
    assertThat(f.line()).isEqualTo(3);
    assertThat(f.message()).isEqualTo("record seq 2 is missing before this record");
  }

  @Test
  void aDeletedFirstRecordIsAMissingHead() throws IOException {
    write(AuditSinks.jsonLines(log()), 3);
    List<String> lines = lines(log());
    lines.remove(0);
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.HEAD_MISSING);
    assertThat(f.line()).isEqualTo(1);
    assertThat(AuditLog.verify(List.of(log()), true).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void aReplayedCopyOfAnEarlierRecordIsReportedAsInsertedAtItsLine() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    lines.add(4, lines.get(1));
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.INSERTED);
    assertThat(f.line()).isEqualTo(5);
    assertThat(f.seq()).isEqualTo(1);
  }

  @Test
  void aForgedRecordThatLinksToItsPredecessorIsReportedAsInsertedAtItsLine() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    // a forgery with the right seq and prev, and a valid own hash: only the successor's link betrays it
    String forged = rehash(lines.get(3).replace("invoices/3", "invoices/77"));
    lines.add(3, forged);
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.INSERTED);
    assertThat(f.line()).isEqualTo(4);
  }

  @Test
  void swappedRecordsAreReportedAsReorderedAtTheFirstOutOfPlace() throws IOException {
    write(AuditSinks.jsonLines(log()), 6);
    List<String> lines = lines(log());
    Collections.swap(lines, 2, 3);
    rewrite(log(), lines);
    AuditLog.Finding f = tampering(log());
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.REORDERED);
    assertThat(f.line()).isEqualTo(3);
    assertThat(f.seq()).isEqualTo(3);
  }

  @Test
  void aPartialLastLineIsATruncatedTailNotTampering() throws IOException {
    write(AuditSinks.jsonLines(log()), 4);
    byte[] b = Files.readAllBytes(log());
    int lastStart = lines(log()).subList(0, 3).stream().mapToInt(l -> l.length() + 1).sum();
    Files.write(log(), Arrays.copyOf(b, lastStart + 40));
    AuditLog.Verification v = AuditLog.verify(List.of(log()));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT_TRUNCATED_TAIL);
    assertThat(v.intact()).isTrue();
    assertThat(v.records()).isEqualTo(3);
    assertThat(v.findings()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(AuditLog.Kind.TRUNCATED_TAIL);
      assertThat(f.line()).isEqualTo(4);
    });
    assertThat(v.tampering()).isNull();
  }

  @Test
  void aCompleteLastLineMissingOnlyItsNewlineIsAlsoATruncatedTail() throws IOException {
    write(AuditSinks.jsonLines(log()), 2);
    byte[] b = Files.readAllBytes(log());
    Files.write(log(), Arrays.copyOf(b, b.length - 1));
    AuditLog.Verification v = AuditLog.verify(List.of(log()));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT_TRUNCATED_TAIL);
    assertThat(v.records()).isEqualTo(1);
  }

  @Test
  void sizeRotationCarriesTheChainAcrossFilesGivenInAnyOrder() throws IOException {
    write(AuditSinks.jsonLines(log()).rotateAtBytes(3000), 20);
    List<Path> files = new ArrayList<>();
    for (int i = 0; Files.exists(i == 0 ? log() : dir.resolve("audit.jsonl." + i)); i++) {
      Path p = i == 0 ? log() : dir.resolve("audit.jsonl." + i);
      assertThat(Files.size(p)).isLessThanOrEqualTo(3000);
      files.add(p);
    }
    assertThat(files).hasSizeGreaterThan(3);
    String lastOfFirst = lines(files.get(0)).get(lines(files.get(0)).size() - 1);
    assertThat(lines(files.get(1)).get(0)).contains("\"prev\":\"" + Digests.sha256Hex(lastOfFirst.getBytes(StandardCharsets.UTF_8)) + "\"");
    List<Path> shuffled = new ArrayList<>(files);
    Collections.reverse(shuffled);
    AuditLog.Verification v = AuditLog.verify(shuffled);
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(20);

    List<Path> withoutOne = new ArrayList<>(files);
    Path gone = withoutOne.remove(1);
    AuditLog.Finding f = AuditLog.verify(withoutOne).tampering();
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.DELETED);
    assertThat(f.file()).isEqualTo(files.get(2));
    assertThat(f.line()).isEqualTo(1);
    assertThat(gone).exists();
  }

  @Test
  void aGarbledFirstLineOfARotatedFileIsReportedThereNotAsADeletionElsewhere() throws IOException {
    write(AuditSinks.jsonLines(log()).rotateAtBytes(3000), 20);
    Path second = dir.resolve("audit.jsonl.1");
    List<String> lines = lines(second);
    lines.set(0, "garbage");
    rewrite(second, lines);
    List<Path> files = new ArrayList<>(List.of(dir.resolve("audit.jsonl.2"), second, log()));
    AuditLog.Finding f = AuditLog.verify(files).tampering();
    assertThat(f.kind()).isEqualTo(AuditLog.Kind.MODIFIED);
    assertThat(f.file()).isEqualTo(second);
    assertThat(f.line()).isEqualTo(1);
    assertThat(f.seq()).isEqualTo(-1);
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = AuditFixture.NOW;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void timeRotationStartsANewFileForTheFirstRecordAfterTheInterval() throws Exception {
    MovableClock clock = new MovableClock();
    AuditTrail trail = AuditTrail.builder()
        .sink(AuditSinks.jsonLines(log()).rotateEvery(Duration.ofHours(1)).clock(clock).build()).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      remit.authorize(r);
      trail.flush();
      clock.now = clock.now.plus(Duration.ofMinutes(61));
      remit.authorize(r);
    }
    assertThat(lines(log())).hasSize(2);
    assertThat(lines(dir.resolve("audit.jsonl.1"))).hasSize(1);
    assertThat(AuditLog.verify(List.of(log(), dir.resolve("audit.jsonl.1"))).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void aRestartedWriterContinuesTheChainOfTheExistingFile() throws IOException {
    write(AuditSinks.jsonLines(log()), 3);
    write(AuditSinks.jsonLines(log()), 2);
    assertThat(lines(log())).hasSize(5);
    AuditLog.Verification v = AuditLog.verify(List.of(log()));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.headSeq()).isEqualTo(4);
  }

  @Test
  void aWriterRestartedAfterATornLineStartsTheNextFileLinkedToTheLastCompleteRecord() throws IOException {
    write(AuditSinks.jsonLines(log()), 3);
    byte[] b = Files.readAllBytes(log());
    Files.write(log(), Arrays.copyOf(b, b.length - 30));
    write(AuditSinks.jsonLines(log()), 2);
    Path next = dir.resolve("audit.jsonl.1");
    assertThat(lines(next)).hasSize(2);
    AuditLog.Verification v = AuditLog.verify(List.of(log(), next));
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT_TRUNCATED_TAIL);
    assertThat(v.records()).isEqualTo(4);
    assertThat(v.headSeq()).isEqualTo(3);
    assertThat(v.findings()).singleElement().extracting(AuditLog.Finding::file).isEqualTo(log());
  }

  @Test
  void theOpaDecisionLogShapeIsHashChainedAndVerifiesToo() throws IOException {
    write(AuditSinks.jsonLines(log()).format(AuditFormat.OPA_DECISION_LOG), 3);
    ObjectNode n = (ObjectNode) new ObjectMapper().readTree(lines(log()).get(0));
    assertThat(n.get("path").asText()).isEqualTo("remit/authorize");
    assertThat(n.get("decision_id").asText()).isNotEmpty();
    assertThat(n.at("/input/subject/id").asText()).isEqualTo("support-bot");
    assertThat(n.at("/input/action/name").asText()).isEqualTo("read");
    assertThat(n.at("/result/decision").asBoolean()).isTrue();
    assertThat(n.at("/remit/outcome").asText()).isEqualTo("ALLOW");
    assertThat(n.at("/metrics/timer_remit_authorize_ns").asLong()).isPositive();
    assertThat(AuditLog.verify(List.of(log())).result()).isEqualTo(AuditLog.Result.INTACT);
  }
}
