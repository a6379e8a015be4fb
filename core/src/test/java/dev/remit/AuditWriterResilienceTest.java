package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.spi.AuditSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One record's failure, whatever it throws, loses that record only: the writer goes on. */
class AuditWriterResilienceTest {
  private static Request read(String id) {
    return Request.of("support-bot", "billing", "read").resource("invoices/" + id).build();
  }

  private static boolean poisoned(AuditRecord r) {
    return r instanceof AuditRecord.DecisionRecord && "invoices/poison".equals(((AuditRecord.DecisionRecord) r).resource());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("OutOfMemoryError", (Supplier<Error>) () -> new OutOfMemoryError("simulated: a huge record")),
        Arguments.of("StackOverflowError", (Supplier<Error>) () -> new StackOverflowError("simulated: a deep record")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void aSinkThatThrowsAVirtualMachineErrorForOneRecordLosesOnlyThatRecordAndWritesTheFollowingOnes(
      String name, Supplier<Error> error) {
    List<AuditRecord> got = new CopyOnWriteArrayList<>();
    AuditSink sink = record -> {
      if (poisoned(record)) {
        throw error.get();
      }
      got.add(record);
    };
    AuditTrail trail = AuditTrail.builder().sink(sink).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      remit.authorize(read("1"));
      remit.authorize(read("poison"));
      remit.authorize(read("2"));
      remit.revokeGrant("g-sub");
      remit.authorize(read("3"));
      assertThat(trail.flush()).as("the writer is still running").isTrue();
      assertThat(got).extracting(AuditRecord::kind).containsExactly("decision", "decision", "authority", "decision");
      assertThat(got.get(2)).isInstanceOfSatisfying(AuditRecord.AuthorityRecord.class,
          v -> assertThat(v.action() + " " + v.id()).isEqualTo("revoke-grant g-sub"));
      // the poisoned record reached no sink: dropped, and its failure is a sink error
      assertThat(trail.stats()).isEqualTo(new AuditStats(5, 4, 1, 1, 0));
      remit.authorize(read("4"));
      assertThat(trail.flush()).isTrue();
      assertThat(got).hasSize(5);
    }
  }

  @Test
  void aRecordOneSinkFailsButAnotherAcceptsIsWrittenAndOneNoSinkAcceptsIsDropped() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditSink failsPoison = record -> {
      if (poisoned(record)) {
        throw new OutOfMemoryError("simulated");
      }
    };
    AuditSink failsAll = record -> {
      throw new OutOfMemoryError("simulated");
    };
    AuditTrail both = AuditTrail.builder().sink(failsPoison).sink(mem).build();
    try (Remit remit = AuditFixture.remit(both)) {
      remit.authorize(read("poison"));
      assertThat(both.flush()).isTrue();
      assertThat(both.stats()).isEqualTo(new AuditStats(1, 1, 0, 1, 0));
      assertThat(mem.decisions()).hasSize(1);
    }
    AuditTrail none = AuditTrail.builder().sink(failsPoison).sink(failsAll).build();
    try (Remit remit = AuditFixture.remit(none)) {
      remit.authorize(read("poison"));
      remit.authorize(read("1"));
      assertThat(none.flush()).isTrue();
      // poison failed in both sinks (dropped, 2 errors); record 1 reached the first (written, 1 error)
      assertThat(none.stats()).isEqualTo(new AuditStats(2, 1, 1, 3, 0));
    }
  }

  /**
   * A value whose text cannot be made: a real OutOfMemoryError ("Requested array size exceeds VM
   * limit"), thrown before any heap is used up, whatever the heap size.
   */
  private static final Object HUGE = new Object() {
    @Override
    public String toString() {
      long[] huge = new long[Integer.MAX_VALUE];
      return String.valueOf(huge.length);
    }
  };

  /** A value whose text never ends: a real StackOverflowError. */
  private static final Object DEEP = new Object() {
    @Override
    public String toString() {
      return "(" + this + ")";
    }
  };

  @Test
  void valuesThatRunOutOfMemoryOrStackWhileSerialisedLoseOnlyTheirRecordsAndTheFileChainStaysIntact(
      @TempDir Path dir) {
    Path log = dir.resolve("audit.jsonl");
    AuditTrail trail = AuditTrail.builder().sink(AuditSinks.jsonLines(log).build()).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Decision d = remit.authorize(read("1"));
      trail.outcome(read("1"), d).changed("report", HUGE).succeeded();
      trail.outcome(read("1"), d).changed("report", DEEP).failed("deep");
      remit.revokeGrant("g-sub");
      remit.authorize(read("2"));
      assertThat(trail.flush()).isTrue();
      assertThat(trail.stats()).isEqualTo(new AuditStats(5, 3, 2, 2, 0));
    }
    AuditLog.Verification v = AuditLog.verify(List.of(log));
    assertThat(v.result()).as(v.findings().toString()).isEqualTo(AuditLog.Result.INTACT);
    assertThat(v.records()).isEqualTo(3);
  }

  @Test
  void aRecordWhoseRedactionRunsOutOfMemoryIsLostAndTheNextRecordsAreWritten() {
    Map<String, Object> poison = new java.util.AbstractMap<>() {
      @Override
      public java.util.Set<Entry<String, Object>> entrySet() {
        throw new OutOfMemoryError("simulated: redacting a huge value");
      }
    };
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).redact("changes.payload.secret").build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Decision d = remit.authorize(read("1"));
      trail.outcome(read("1"), d).changed("payload", poison).succeeded();
      remit.revokeGrant("g-sub");
      assertThat(trail.flush()).isTrue();
      assertThat(mem.records()).extracting(AuditRecord::kind).containsExactly("decision", "authority");
      // lost while being built: no sink saw it, so it is dropped and no sink error
      assertThat(trail.stats()).isEqualTo(new AuditStats(3, 2, 1, 0, 0));
    }
  }
}
