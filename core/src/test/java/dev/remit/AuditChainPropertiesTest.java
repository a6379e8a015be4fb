package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every single tampering of a chained log is found, at the line where it happened. */
class AuditChainPropertiesTest {
  private static final int N = 12;
  private static Path dir;
  private static List<String> original;

  @BeforeContainer
  static void writeLog() throws IOException {
    dir = Files.createTempDirectory("audit-props");
    Path log = dir.resolve("base.jsonl");
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build())) {
      for (int i = 0; i < N; i++) {
        remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/" + i).build());
      }
    }
    original = Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  enum Op { EDIT, DELETE, SWAP, REPLAY }

  record Tamper(Op op, int at, int from) {}

  @Provide
  Arbitrary<Tamper> tampers() {
    return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, N - 2),
        Arbitraries.integers().between(0, N - 1)).as(Tamper::new);
  }

  @Property(tries = 60)
  void everySingleTamperingIsFoundAtItsLine(@ForAll("tampers") Tamper t) {
    List<String> lines = new ArrayList<>(original);
    AuditLog.Kind kind;
    long line = t.at() + 1;
    switch (t.op()) {
      case EDIT:
        lines.set(t.at(), lines.get(t.at()).replace("invoices/" + t.at() + "\"", "invoices/x\""));
        kind = AuditLog.Kind.MODIFIED;
        break;
      case DELETE:
        lines.remove(t.at()); // never the last line: removing the newest records needs the head hash
        kind = t.at() == 0 ? AuditLog.Kind.HEAD_MISSING : AuditLog.Kind.DELETED;
        break;
      case SWAP:
        Collections.swap(lines, t.at(), t.at() + 1);
        kind = t.at() == 0 ? AuditLog.Kind.HEAD_MISSING : AuditLog.Kind.REORDERED;
        break;
      default:
        int from = Math.min(t.from(), t.at());
        lines.add(t.at() + 1, lines.get(from)); // a replayed earlier record right after line at+1
        line = t.at() + 2;
        kind = AuditLog.Kind.INSERTED;
        break;
    }
    Path p = dir.resolve("t.jsonl");
    try {
      Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AuditLog.Verification v = AuditLog.verify(List.of(p));
    assertThat(v.result()).as(t.toString()).isEqualTo(AuditLog.Result.TAMPERED);
    assertThat(v.tampering().kind()).as(t.toString()).isEqualTo(kind);
    assertThat(v.tampering().line()).as(t.toString()).isEqualTo(line);
  }

  @Test
  void recordsFromManyThreadsFormOneIntactChain(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("audit.jsonl");
    AuditTrail trail = AuditTrail.builder().sink(AuditSinks.jsonLines(log).rotateAtBytes(50_000).build()).queueCapacity(64)
        .maxWait(AuditTrailTest.LONG_WAIT).build(); // lossless: BLOCK waits for a rotating writer
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Remit remit = AuditFixture.remit(trail)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 250; i++) {
            remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/" + id + "-" + i).build());
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(tmp)) {
      s.forEach(files::add);
    }
    AuditLog.Verification v = AuditLog.verify(files);
    assertThat(v.result()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(1000);
    assertThat(trail.stats()).isEqualTo(new AuditStats(1000, 1000, 0, 0, 0));
  }
}
