package dev.remit.bench;

import dev.remit.AuditRecord;
import dev.remit.AuditSinks;
import dev.remit.AuditTrail;
import dev.remit.MemoryAuditSink;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.spi.AuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hash-chained JSON Lines sink alone, on the benchmark thread: serialise one decision record
 * of the scenario (with its delegation chain, arguments and context), hash it and hand the line to
 * the buffered file (page cache, no fsync). This is most of the audit writer's work per record
 * when it writes a file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuditSinkBenchmarks {
  AuditRecord[] records;
  AuditSink sink;
  Path dir;
  int i;

  @Setup
  public void setUp() throws Exception {
    MemoryAuditSink memory = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(memory).build();
    Remit remit = Remit.builder().policy(Scenario.policy()).clock(Scenario.clock()).audit(trail).build();
    for (Request r : DecisionBenchmarks.requests(DecisionBenchmarks.N, 42)) {
      remit.authorize(r);
    }
    trail.close();
    records = memory.decisions().toArray(new AuditRecord[0]);
    if (records.length != DecisionBenchmarks.N) {
      throw new IllegalStateException("expected " + DecisionBenchmarks.N + " records, got " + records.length);
    }
    dir = Files.createTempDirectory("remit-sink-bench");
    sink = AuditSinks.jsonLines(dir.resolve("audit.jsonl")).rotateAtBytes(64L << 20).build();
  }

  /** One decision record through the file sink. */
  @Benchmark
  public void jsonLinesWrite() throws Exception {
    sink.write(records[i++ & DecisionBenchmarks.MASK]);
  }

  @TearDown
  public void tearDown() throws Exception {
    sink.close();
    AuditBenchmarks.delete(dir);
  }
}
