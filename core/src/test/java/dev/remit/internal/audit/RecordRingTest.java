package dev.remit.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RecordRingTest {

  @Test
  void aRingHoldsExactlyItsCapacityEvenWhenThatIsNotAPowerOfTwo() {
    RecordRing ring = new RecordRing(3);
    assertThat(ring.offer("a")).isTrue();
    assertThat(ring.offer("b")).isTrue();
    assertThat(ring.offer("c")).isTrue();
    assertThat(ring.offer("d")).as("a fourth entry in a ring of three").isFalse();
    assertThat(ring.size()).isEqualTo(3);
    assertThat(ring.poll()).isEqualTo("a");
    assertThat(ring.offer("d")).isTrue();
    assertThat(ring.offer("e")).isFalse();
    assertThat(List.of(ring.poll(), ring.poll(), ring.poll())).containsExactly("b", "c", "d");
    assertThat(ring.poll()).isNull();
    assertThat(ring.isEmpty()).isTrue();
  }

  @Test
  void aRingOfOneAlternatesBetweenFullAndEmpty() {
    RecordRing ring = new RecordRing(1);
    for (int i = 0; i < 10; i++) {
      assertThat(ring.offer(i)).isTrue();
      assertThat(ring.offer(-1)).isFalse();
      assertThat(ring.poll()).isEqualTo(i);
      assertThat(ring.poll()).isNull();
    }
  }

  @Test
  void aCapacityOutsideOneToTwoToTheThirtyIsRefused() {
    assertThatThrownBy(() -> new RecordRing(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecordRing((1 << 30) + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Against a list as the model: any interleaving of offers, polls and drains on one thread. */
  @Property(tries = 300)
  void aRingBehavesLikeABoundedFifo(@ForAll @IntRange(min = 1, max = 9) int capacity,
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 4) Integer> ops) {
    RecordRing ring = new RecordRing(capacity);
    List<Integer> model = new ArrayList<>();
    Object[] batch = new Object[8];
    int next = 0;
    for (int op : ops) {
      if (op <= 1) { // offers twice as often as the rest, so the ring is often full
        boolean room = model.size() < capacity;
        assertThat(ring.offer(next)).isEqualTo(room);
        if (room) {
          model.add(next);
        }
        next++;
      } else if (op == 2) {
        assertThat(ring.poll()).isEqualTo(model.isEmpty() ? null : model.remove(0));
      } else {
        int max = op == 3 ? 2 : batch.length;
        int n = ring.drain(batch, max);
        assertThat(n).isEqualTo(Math.min(max, model.size()));
        for (int k = 0; k < n; k++) {
          assertThat(batch[k]).isEqualTo(model.remove(0));
        }
      }
      assertThat(ring.size()).isEqualTo(model.size());
      assertThat(ring.isEmpty()).isEqualTo(model.isEmpty());
    }
  }

  @Test
  void concurrentProducersLoseNothingDuplicateNothingAndKeepEachProducersOrder() throws Exception {
    int producers = 4;
    int perProducer = 200_000;
    RecordRing ring = new RecordRing(100); // small, so producers hit the full ring constantly
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong refused = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          long value = ((long) producer << 32) | i;
          while (!ring.offer(value)) {
            refused.incrementAndGet();
            Thread.onSpinWait();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    int[] nextOf = new int[producers];
    long taken = 0;
    go.countDown();
    Object[] batch = new Object[64];
    boolean drain = false;
    while (taken < (long) producers * perProducer) {
      drain = !drain; // alternate the two ways the writer can take entries
      int n;
      if (drain) {
        n = ring.drain(batch, batch.length);
      } else {
        batch[0] = ring.poll();
        n = batch[0] == null ? 0 : 1;
      }
      if (n == 0) {
        Thread.onSpinWait();
        continue;
      }
      for (int k = 0; k < n; k++) {
        long v = (Long) batch[k];
        int producer = (int) (v >>> 32);
        int i = (int) v;
        if (i != nextOf[producer]) { // assert only on failure: AssertJ per entry would dominate
          assertThat(i).as("entry of producer %d", producer).isEqualTo(nextOf[producer]);
        }
        nextOf[producer]++;
        taken++;
      }
      int size = ring.size();
      if (size < 0 || size > 100) {
        assertThat(size).isBetween(0, 100);
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(nextOf).containsOnly(perProducer);
    assertThat(ring.poll()).isNull();
    assertThat(ring.isEmpty()).isTrue();
    assertThat(refused.get()).as("the ring was full at times, so capacity was exercised").isPositive();
  }
}
