package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL and checks that the log it leaves behind verifies: an intact
 * chain, possibly with a truncated tail, never "tampered".
 */
class AuditCrashTest {
  private static final int ATTEMPTS = 5;

  @TempDir
  Path dir;

  private static boolean midWrite(Path log) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long n = f.length();
      if (n == 0) {
        return false;
      }
      f.seek(n - 1);
      return f.read() != '\n';
    }
  }

  /** Starts a writer, waits until it is in the middle of writing a line, and SIGKILLs it. */
  private void killWhileWriting(Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        AuditWriterProcess.class.getName(), log.toString(), Integer.toString(4 << 20))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("flushed 50");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && !midWrite(log)) {
        Thread.onSpinWait();
      }
    } finally {
      p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flush
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aWriterKilledMidRecordLeavesAnIntactChainWithATruncatedTail() throws Exception {
    List<AuditLog.Result> results = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    Path log = dir.resolve("audit.jsonl");
    for (int i = 0; i < ATTEMPTS && !results.contains(AuditLog.Result.INTACT_TRUNCATED_TAIL); i++) {
      // each restart continues the chain (in a new file after a torn line)
      killWhileWriting(log);
      files.clear();
      for (int k = 0; Files.exists(k == 0 ? log : dir.resolve("audit.jsonl." + k)); k++) {
        files.add(k == 0 ? log : dir.resolve("audit.jsonl." + k));
      }
      AuditLog.Verification v = AuditLog.verify(files);
      assertThat(v.result()).as("attempt %d: %s", i, v.findings()).isNotEqualTo(AuditLog.Result.TAMPERED);
      assertThat(v.records()).isGreaterThanOrEqualTo(50L * (i + 1));
      results.add(v.result());
    }
    System.out.println("AuditCrashTest attempts: " + results);
    assertThat(results).as("a SIGKILL during a 4 MiB write tears the line").contains(AuditLog.Result.INTACT_TRUNCATED_TAIL);

    // a writer started after the crash continues the chain; the torn line stays reported, not tampering
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build())) {
      remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/3").build());
    }
    files.clear();
    for (int k = 0; Files.exists(k == 0 ? log : dir.resolve("audit.jsonl." + k)); k++) {
      files.add(k == 0 ? log : dir.resolve("audit.jsonl." + k));
    }
    AuditLog.Verification after = AuditLog.verify(files);
    assertThat(after.result()).isEqualTo(AuditLog.Result.INTACT_TRUNCATED_TAIL);
    assertThat(after.tampering()).isNull();
  }
}
