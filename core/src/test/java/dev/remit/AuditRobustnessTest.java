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

/** The audit writer under concurrency, close, flush and a writer stopped by a VM error. */
class AuditRobustnessTest {
  private static Request read(String id) {
    return Request.of("support-bot", "billing", "read").resource("invoices/" + id).build();
  }

  @Test
  void recordsTakenInTheSameBatchAsTheOneAVirtualMachineErrorStoppedAreCountedAsDropped() throws Exception {
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    AuditSink sink = record -> {
      int n = writes.incrementAndGet();
      if (n == 1) {
        firstEntered.countDown();
        releaseFirst.await();
        return; // record 1 is written
      }
      throw new OutOfMemoryError("simulated: the writer thread stops on record 2");
    };
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(64).build();
    Remit remit = AuditFixture.remit(trail);
    remit.authorize(read("1"));
    assertThat(firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 2; i <= 5; i++) {
      remit.authorize(read(String.valueOf(i))); // queued together: the writer takes them as one batch
    }
    releaseFirst.countDown();
    assertThat(trail.flush()).isFalse(); // the writer stops
    AuditStats s = trail.stats();
    assertThat(s.offered()).isEqualTo(5);
    assertThat(s.written()).isEqualTo(1);
    // record 2 died with the writer (as in AuditTrailTest); 3, 4 and 5 were never handed to a sink
    // and must not vanish from the counters
    assertThat(s.dropped()).as(s.toString()).isEqualTo(3);
    remit.close();
  }

  @Test
  void flushReturnsOnlyAfterEveryRecordTheCallerOfferedBeforeItWasWritten() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AuditSink sink = record -> seen.add(String.valueOf(((AuditRecord.DecisionRecord) record).resource()));
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(8).whenFull(AuditTrail.QueuePolicy.BLOCK).build();
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
      assertThat(s.written() + s.dropped() + s.sinkErrors()).as(s.toString()).isEqualTo(s.offered());
      assertThat(s.queued()).isZero();
      remit.close();
    }
  }
}
