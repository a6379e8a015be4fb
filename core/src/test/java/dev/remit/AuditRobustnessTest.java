package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.spi.AuditSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The audit writer under concurrency, close, flush and a writer stopped by a VM error outside one record. */
class AuditRobustnessTest {
  private static Request read(String id) {
    return Request.of("support-bot", "billing", "read").resource("invoices/" + id).build();
  }

  @Test
  void recordsTakenInTheSameBatchAsAFlushThatStoppedTheWriterAreCountedAsDropped() throws Exception {
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    AuditSink sink = new AuditSink() {
      @Override
      public void write(AuditRecord record) throws InterruptedException {
        if (writes.incrementAndGet() == 1) {
          firstEntered.countDown();
          releaseFirst.await();
        }
      }

      @Override
      public void flush() {
        throw new OutOfMemoryError("simulated: a flush, not one record, stops the writer");
      }
    };
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(64).build();
    Remit remit = AuditFixture.remit(trail);
    remit.authorize(read("1"));
    assertThat(firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
    remit.authorize(read("2"));
    Thread flusher = new Thread(trail::flush); // its marker lands between record 2 and records 3..5
    flusher.start();
    AuditTrailTest.awaitParked(flusher); // parked: its marker is queued, it waits for the writer
    for (int i = 3; i <= 5; i++) {
      remit.authorize(read(String.valueOf(i))); // queued with 2 and the marker: the writer takes them as one batch
    }
    releaseFirst.countDown(); // 1 and 2 are written, the marker's flush stops the writer
    flusher.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(flusher.isAlive()).isFalse();
    assertThat(trail.flush()).isFalse();
    AuditStats s = trail.stats();
    // 3, 4 and 5 were taken but never handed to a sink: they must not vanish from the counters
    assertThat(s).isEqualTo(new AuditStats(5, 2, 3, 1, 0));
    remit.close();
  }

  @Test
  void flushReturnsOnlyAfterEveryRecordTheCallerOfferedBeforeItWasWritten() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AuditSink sink = record -> seen.add(String.valueOf(((AuditRecord.DecisionRecord) record).resource()));
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(8).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(AuditTrailTest.LONG_WAIT).build();
    Remit remit = AuditFixture.remit(trail);
    int threads = 4;
    List<Throwable> failures = new ArrayList<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 5; i++) {
              remit.authorize(read(id + "-" + round + "-" + i));
            }
            assertThat(trail.flush()).isTrue();
            for (int i = 0; i < 5; i++) {
              assertThat(seen).contains("invoices/" + id + "-" + round + "-" + i);
            }
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(th.isAlive()).isFalse();
    }
    assertThat(failures).isEmpty();
    remit.close();
    assertThat(trail.stats()).isEqualTo(new AuditStats(threads * 250L, threads * 250L, 0, 0, 0));
  }

  @Test
  void countersBalanceAfterConcurrentDroppingOffersRacingClose() throws Exception {
    for (int iteration = 0; iteration < 20; iteration++) {
      AtomicInteger written = new AtomicInteger();
      AuditTrail trail = AuditTrail.builder().sink(r -> written.incrementAndGet()).queueCapacity(3).build();
      Remit remit = AuditFixture.remit(trail);
      int threads = 4;
      int each = 500;
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            remit.authorize(read("x"));
            if (i % 50 == 0) {
              trail.flush(); // races close: must return, true or false
            }
          }
        });
        ts.add(th);
        th.start();
      }
      start.countDown();
      trail.close();
      for (Thread th : ts) {
        th.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(th.isAlive()).as("a producer or flush hung").isFalse();
      }
      AuditStats s = trail.stats();
      assertThat(s.offered()).as(s.toString()).isEqualTo((long) threads * each);
      assertThat(s.written()).isEqualTo(written.get());
      assertThat(s.queued()).isZero();
      assertThat(s.written() + s.dropped()).as(s.toString()).isEqualTo(s.offered());
      remit.close();
    }
  }
}
