package dev.remit.internal.state;

import dev.remit.spi.StateChange;
import dev.remit.spi.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default {@link StateStore}: the feed is a bounded ring of the last changes, counters are
 * atomics. Several decision points in one JVM may share one instance; they then see each other's
 * changes (after the listener tells them) and spend the same budgets.
 */
public final class InMemoryStateStore implements StateStore {
  public static final int DEFAULT_FEED_CAPACITY = 1 << 16;

  private final Object lock = new Object();
  private final Entry[] ring;
  private long head;
  private final ConcurrentHashMap<String, MemoryCounter> counters = new ConcurrentHashMap<>();
  /** Counters by the instant after which they may be forgotten; guarded by {@code lock}. */
  private final PriorityQueue<Keep> byKeep = new PriorityQueue<>((a, b) -> Long.compare(a.until, b.until));
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public InMemoryStateStore(int feedCapacity) {
    if (feedCapacity < 1 || feedCapacity > (1 << 24)) {
      throw new IllegalArgumentException("feed capacity must be between 1 and 2^24, was " + feedCapacity);
    }
    this.ring = new Entry[feedCapacity];
  }

  @Override
  public long append(long expectedHead, StateChange change) {
    java.util.Objects.requireNonNull(change, "change");
    long seq;
    synchronized (lock) {
      if (head != expectedHead) {
        return -1;
      }
      seq = ++head;
      ring[(int) ((seq - 1) % ring.length)] = new Entry(seq, change);
    }
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        // a listener only sets a flag; one that throws must not stop the others
      }
    }
    return seq;
  }

  @Override
  public List<Entry> since(long after, int max) {
    synchronized (lock) {
      if (after < 0 || after > head) {
        throw new IllegalArgumentException("no change " + after + " in a feed whose head is " + head);
      }
      long oldest = Math.max(1, head - ring.length + 1);
      if (after + 1 < oldest) {
        throw new IllegalStateException("changes " + (after + 1) + " to " + (oldest - 1)
            + " are no longer kept (the feed keeps the last " + ring.length + "); rebuild from an export");
      }
      int n = (int) Math.min(max, head - after);
      List<Entry> out = new ArrayList<>(n);
      for (long s = after + 1; s <= after + n; s++) {
        out.add(ring[(int) ((s - 1) % ring.length)]);
      }
      return out;
    }
  }

  @Override
  public long head() {
    synchronized (lock) {
      return head;
    }
  }

  @Override
  public Counter counter(String key, Instant keepUntil) {
    long keep = keepUntil.toEpochMilli();
    MemoryCounter c = counters.computeIfAbsent(key, MemoryCounter::new);
    synchronized (lock) {
      if (keep > c.keepUntil) {
        // queued again with the later instant; the earlier queue entry is skipped when it surfaces
        c.keepUntil = keep;
        byKeep.add(new Keep(keep, c));
      }
    }
    return c;
  }

  @Override
  public void expire(Instant now) {
    long t = now.toEpochMilli();
    synchronized (lock) {
      for (Keep k; (k = byKeep.peek()) != null && k.until < t; ) {
        byKeep.poll();
        if (k.counter.keepUntil == k.until) {
          counters.remove(k.counter.key, k.counter);
        }
      }
    }
  }

  @Override
  public void subscribe(Runnable listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Returns the number of counters held (for tests of boundedness). */
  public int counters() {
    return counters.size();
  }

  private record Keep(long until, MemoryCounter counter) {}

  static final class MemoryCounter implements Counter {
    final String key;
    final AtomicLong value = new AtomicLong();
    /** Guarded by the store's lock. */
    long keepUntil = Long.MIN_VALUE;

    MemoryCounter(String key) {
      this.key = key;
    }

    @Override
    public long value() {
      return value.get();
    }

    @Override
    public boolean tryIncrement(long limit) {
      while (true) {
        long v = value.get();
        if (v >= limit) {
          return false;
        }
        if (value.compareAndSet(v, v + 1)) {
          return true;
        }
      }
    }

    @Override
    public void decrement() {
      while (true) {
        long v = value.get();
        if (v <= 0 || value.compareAndSet(v, v - 1)) {
          return;
        }
      }
    }

    @Override
    public void restore(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("a count cannot be negative, was " + v);
      }
      value.set(v);
    }
  }
}
