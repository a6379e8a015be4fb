package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rotation whose new file cannot be opened leaves no gap in the file numbers. */
class AuditFileRotationFailureTest {
  @TempDir
  Path dir;

  private Path file(int i) {
    return i == 0 ? dir.resolve("audit.jsonl") : dir.resolve("audit.jsonl." + i);
  }

  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; Files.exists(file(i)); i++) {
      out.add(file(i));
    }
    return out;
  }

  private static Request read(int i) {
    return Request.of("support-bot", "billing", "read").resource("invoices/" + i).build();
  }

  @Test
  void aRotationThatCannotOpenTheNextFileRetriesTheSameFileNumberAndTheChainSurvivesARestart() throws IOException {
    AuditSinks.JsonLines spec = AuditSinks.jsonLines(file(0)).rotateAtBytes(100);
    AuditTrail trail = AuditTrail.builder().sink(spec.build()).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      remit.authorize(read(1));
      assertThat(trail.flush()).isTrue();
      Files.createDirectory(file(1)); // the next file cannot be opened
      remit.authorize(read(2)); // rotation fails: a sink error
      assertThat(trail.flush()).isTrue();
      assertThat(trail.stats().sinkErrors()).isPositive();
      Files.delete(file(1));
      remit.authorize(read(3));
      assertThat(trail.flush()).isTrue();
    }
    assertThat(Files.exists(file(1))).as("the retried rotation must write audit.jsonl.1, not skip it").isTrue();
    assertThat(Files.exists(file(2))).isFalse();
    // a restart continues the chain where it ended, and it stays verifiable
    AuditTrail again = AuditTrail.builder().sink(AuditSinks.jsonLines(file(0)).rotateAtBytes(100).build()).build();
    try (Remit remit = AuditFixture.remit(again)) {
      for (int i = 4; i < 8; i++) {
        remit.authorize(read(i));
      }
    }
    AuditLog.Verification v = AuditLog.verify(files(), true);
    assertThat(v.result()).as(String.valueOf(v.findings())).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.headSeq()).isEqualTo(5); // records 1, 3, 4..7: seq 0..5 (record 2 never got a line: a counted sink error)
  }
}
