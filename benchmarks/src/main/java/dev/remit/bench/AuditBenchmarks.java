package dev.remit.bench;

import dev.remit.AuditSinks;
import dev.remit.AuditStats;
import dev.remit.AuditTrail;
import dev.remit.Decision;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.spi.AuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the audit writer sustains: decisions served from a warm cache into an audit trail with the
 * {@code BLOCK} policy and a small queue, so once the queue is full every call waits for the
 * writer and the calls per second are the records per second the writer builds, serialises,
 * hashes and writes. {@code sink=discard} is the writer's own work (record building, digests);
 * {@code sink=jsonLines} adds the hash-chained file (page cache, no fsync). Nothing is dropped:
 * tear-down checks it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuditBenchmarks {
  @Param({"discard", "jsonLines"})
  public String sink;

  Request[] requests;
  Remit remit;
  AuditTrail trail;
  Path dir;
  int i;

  @Setup
  public void setUp() throws IOException {
    requests = DecisionBenchmarks.requests(DecisionBenchmarks.N, 42);
    dir = Files.createTempDirectory("remit-audit-bench");
    AuditSink s = switch (sink) {
      case "discard" -> record -> { };
      case "jsonLines" -> AuditSinks.jsonLines(dir.resolve("audit.jsonl")).rotateAtBytes(64L << 20).build();
      default -> throw new IllegalArgumentException("unknown sink " + sink);
    };
    // a long maxWait keeps this a measure of the writer's pace: with the default a caller that
    // meets a full queue for 5 ms would drop instead of wait
    trail = AuditTrail.builder().sink(s).queueCapacity(1024).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(java.time.Duration.ofMinutes(1)).build();
    remit = Remit.builder().policy(Scenario.policy()).clock(Scenario.clock()).audit(trail).build();
    for (Request r : requests) {
      if (!remit.authorize(r).allowed()) {
        throw new IllegalStateException("scenario request not allowed: " + r);
      }
    }
  }

  /** One audited decision; with the queue full, as fast as the writer empties it. */
  @Benchmark
  public Decision auditedUnderBlock() {
    return remit.authorize(requests[i++ & DecisionBenchmarks.MASK]);
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    trail.close();
    AuditStats stats = trail.stats();
    System.out.println("audit trail (sink=" + sink + "): " + stats);
    delete(dir);
    if (stats.dropped() != 0 || stats.sinkErrors() != 0 || stats.written() != stats.offered()) {
      throw new IllegalStateException("the audit trail lost records under BLOCK: " + stats);
    }
  }
}
