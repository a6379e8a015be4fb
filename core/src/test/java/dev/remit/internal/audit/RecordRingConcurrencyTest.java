package dev.remit.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Many producers, one consumer: no entry lost or duplicated, FIFO per producer, capacity exact. */
class RecordRingConcurrencyTest {
  private record Entry(int producer, int seq) {}

  @Test
  void manyProducersLoseAndDuplicateNothingAndKeepEachProducersOrderAcrossManyWraps() throws Exception {
    for (int capacity : new int[] {1, 3, 5, 64}) {
      RecordRing ring = new RecordRing(capacity);
      int producers = 4;
      int each = 50_000;
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        Thread t = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            Entry e = new Entry(id, i);
            while (!ring.offer(e)) {
              Thread.onSpinWait();
            }
          }
        });
        ts.add(t);
        t.start();
      }
      start.countDown();
      int[] next = new int[producers];
      Object[] batch = new Object[7];
      long total = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean usePoll = false;
      while (total < (long) producers * each) {
        assertThat(System.nanoTime()).as("consumer stalled at %d", total).isLessThan(deadline);
        assertThat(ring.size()).isBetween(0, capacity);
        int n;
        if (usePoll) {
          Object o = ring.poll();
          n = o == null ? 0 : 1;
          batch[0] = o;
        } else {
          n = ring.drain(batch, batch.length);
        }
        usePoll = !usePoll;
        assertThat(n).isLessThanOrEqualTo(capacity);
        for (int k = 0; k < n; k++) {
          Entry e = (Entry) batch[k];
          assertThat(e.seq()).as("producer %d", e.producer()).isEqualTo(next[e.producer()]);
          next[e.producer()]++;
        }
        total += n;
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(ring.isEmpty()).isTrue();
      assertThat(ring.size()).isZero();
      assertThat(ring.poll()).isNull();
    }
  }

  @Test
  void concurrentProducersNeverGetMoreThanCapacityEntriesInWhileTheConsumerIsAway() throws Exception {
    for (int capacity : new int[] {1, 3, 6, 17}) {
      for (int round = 0; round < 50; round++) {
        RecordRing ring = new RecordRing(capacity);
        // wrap the indices a few times first so the cached limit is stale for some producers
        Object[] sink = new Object[capacity];
        for (int w = 0; w < round % 5; w++) {
          for (int i = 0; i < capacity; i++) {
            assertThat(ring.offer(i)).isTrue();
          }
          assertThat(ring.drain(sink, capacity)).isEqualTo(capacity);
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Thread th = new Thread(() -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < capacity; i++) {
              if (ring.offer("x")) {
                accepted.incrementAndGet();
              }
            }
          });
          ts.add(th);
          th.start();
        }
        start.countDown();
        for (Thread th : ts) {
          th.join();
        }
        assertThat(accepted.get()).isEqualTo(capacity);
        assertThat(ring.size()).isEqualTo(capacity);
        assertThat(ring.drain(new Object[capacity + 5], capacity + 5)).isEqualTo(capacity);
        assertThat(ring.isEmpty()).isTrue();
      }
    }
  }

  @Test
  void aProducerStalledBetweenItsClaimAndItsStoreHoldsBackLaterEntriesButLosesNone() throws Exception {
    RecordRing ring = new RecordRing(3);
    // claim slot 0 as a descheduled producer would, without storing into it
    assertThat(RingFields.PRODUCER.compareAndSet(ring, 0L, 1L)).isTrue();
    assertThat(ring.offer("b")).isTrue();
    assertThat(ring.offer("c")).isTrue();
    assertThat(ring.offer("d")).as("the claimed slot counts against the capacity").isFalse();
    assertThat(ring.poll()).isNull();
    assertThat(ring.drain(new Object[4], 4)).isZero();
    assertThat(ring.isEmpty()).isFalse();
    assertThat(ring.size()).isEqualTo(3);
    // the stalled producer resumes and stores
    java.lang.reflect.Field f = RecordRing.class.getDeclaredField("slots");
    f.setAccessible(true);
    ((Object[]) f.get(ring))[0] = "a";
    Object[] out = new Object[4];
    assertThat(ring.drain(out, 4)).isEqualTo(3);
    assertThat(out).startsWith("a", "b", "c");
    assertThat(ring.isEmpty()).isTrue();
  }
}
