package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.audit.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed, hashed-once file lines stay a valid chain across huge records, rotation and restarts. */
class AuditFileChainEdgeTest {
  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private void write(AuditSinks.JsonLines sink, String... notes) {
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(sink.build()).build())) {
      for (String note : notes) {
        remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/1")
            .context("note", note).build());
      }
    }
  }

  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; Files.exists(i == 0 ? log() : dir.resolve("audit.jsonl." + i)); i++) {
      out.add(i == 0 ? log() : dir.resolve("audit.jsonl." + i));
    }
    return out;
  }

  /** Recomputes every hash and prev from the bytes, independently of AuditLog.verify. */
  private long checkChainByHand() throws IOException {
    String prev = "0".repeat(64);
    long seq = 0;
    for (Path p : files()) {
      byte[] all = Files.readAllBytes(p);
      String text = new String(all, StandardCharsets.UTF_8);
      if (text.isEmpty()) {
        continue;
      }
      assertThat(text).endsWith("\n");
      for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
        assertThat(line).startsWith("{\"seq\":" + seq + ",\"prev\":\"" + prev + "\"");
        String body = line.substring(0, line.length() - 75) + "}";
        String hash = line.substring(line.length() - 66, line.length() - 2);
        assertThat(hash).isEqualTo(Digests.sha256Hex(body.getBytes(StandardCharsets.UTF_8)));
        prev = Digests.sha256Hex(line.getBytes(StandardCharsets.UTF_8));
        seq++;
      }
    }
    return seq;
  }

  @Test
  void aHugeRecordThenSmallOnesAcrossRotationsAndRestartsKeepEveryHashRight() throws IOException {
    String huge = "\u00e9x".repeat(700_000); // beyond the 1 MiB the buffer keeps, multi-byte UTF-8
    write(AuditSinks.jsonLines(log()).rotateAtBytes(4096), "a", huge, "b", "c");
    write(AuditSinks.jsonLines(log()).rotateAtBytes(4096), "d", huge, huge, "e");
    write(AuditSinks.jsonLines(log()), "f");
    assertThat(checkChainByHand()).isEqualTo(9);
    AuditLog.Verification v = AuditLog.verify(files());
    assertThat(v.result()).as(String.valueOf(v.findings())).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(9);
  }

  @Test
  void aRecordWhoseSerialisationFailsLeavesNoTraceInTheBufferOrTheChain() throws IOException {
    Object bad = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("cannot render");
      }
    };
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.jsonLines(log()).build()).build())) {
      Request ok = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(ok);
      remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/2").context("odd", bad).build());
      remit.authorize(ok);
    }
    long n = checkChainByHand();
    assertThat(n).isBetween(2L, 3L);
    assertThat(AuditLog.verify(files()).result()).isEqualTo(AuditLog.Result.INTACT);
  }
}
