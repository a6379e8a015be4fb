package dev.remit.internal.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free queue for many producers and one consumer (the audit writer), backed by an
 * array: an offer is one compare-and-set of the producer index plus one ordered store, with no
 * allocation; the consumer never uses compare-and-set. Room is checked against a cached limit, so
 * a producer reads the index the consumer writes only when the cached limit is reached.
 *
 * <p>The array length is the capacity rounded up to a power of two (slots are found by masking,
 * not by division); the capacity itself is enforced exactly.
 *
 * <p>A producer that has claimed a slot but not yet stored into it makes {@link #poll()} return
 * null while {@link #isEmpty()} is still false; the consumer simply tries again later.
 */
final class RecordRing extends RingFields {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  private final Object[] slots;
  private final int mask;
  private final long capacity;

  RecordRing(int capacity) {
    if (capacity <= 0 || capacity > (1 << 30)) {
      throw new IllegalArgumentException("ring capacity must be in 1..2^30, was " + capacity);
    }
    int length = Integer.highestOneBit(capacity);
    if (length < capacity) {
      length <<= 1;
    }
    this.slots = new Object[length];
    this.mask = length - 1;
    this.capacity = capacity;
    this.producerLimit = capacity;
  }

  /** Adds {@code e} unless the ring holds {@code capacity} entries; returns whether it was added. */
  boolean offer(Object e) {
    // acquire/release on the limit as on the consumer index: a producer that trusts a limit
    // another producer computed must also see the consumer's clearing of the slots below it
    long limit = (long) LIMIT.getAcquire(this);
    long p;
    do {
      p = (long) PRODUCER.getVolatile(this);
      if (p >= limit) {
        limit = (long) CONSUMER.getAcquire(this) + capacity;
        if (p >= limit) {
          return false;
        }
        // racing producers may store an older, smaller limit: that only costs a re-read later
        LIMIT.setRelease(this, limit);
      }
    } while (!PRODUCER.compareAndSet(this, p, p + 1));
    SLOT.setRelease(slots, (int) p & mask, e);
    return true;
  }

  /** Takes the oldest entry; null when empty or when its producer has not finished storing it. Consumer thread only. */
  Object poll() {
    long c = consumerIndex;
    int i = (int) c & mask;
    Object e = SLOT.getAcquire(slots, i);
    if (e == null) {
      return null;
    }
    SLOT.setOpaque(slots, i, null);
    CONSUMER.setRelease(this, c + 1);
    return e;
  }

  /**
   * Takes up to {@code max} entries, oldest first, into {@code into} from index 0, and frees their
   * slots with one update of the consumer index (so producers see one change per batch, not one
   * per entry); returns how many. Stops early at an entry whose producer has not finished storing
   * it. Consumer thread only.
   */
  int drain(Object[] into, int max) {
    long c = consumerIndex;
    int n = 0;
    while (n < max) {
      int i = (int) (c + n) & mask;
      Object e = SLOT.getAcquire(slots, i);
      if (e == null) {
        break;
      }
      SLOT.setOpaque(slots, i, null);
      into[n++] = e;
    }
    if (n > 0) {
      CONSUMER.setRelease(this, c + n);
    }
    return n;
  }

  /** Whether no entry is claimed and untaken (claimed-but-unstored entries count as present). */
  boolean isEmpty() {
    return (long) CONSUMER.getAcquire(this) == (long) PRODUCER.getVolatile(this);
  }

  /** The number of entries taken so far (the consumer's index): it moves whenever the consumer makes progress. */
  long taken() {
    return (long) CONSUMER.getAcquire(this);
  }

  /** The number of entries claimed and not yet taken. */
  int size() {
    long c = (long) CONSUMER.getAcquire(this);
    long p = (long) PRODUCER.getVolatile(this);
    return (int) Math.max(0, Math.min(capacity, p - c));
  }

  /**
   * Counts an entry the caller dropped (the ring was full) and returns the count so far. Kept on
   * the producers' own cache line: the writer never writes it, so dropping stays cheap.
   */
  long countDrop() {
    return (long) DROPS.getAndAdd(this, 1L) + 1;
  }

  long drops() {
    return (long) DROPS.getVolatile(this);
  }

  int capacity() {
    return (int) capacity;
  }
}

/**
 * Field layout: the producers' index and cached limit, the consumer's index, and padding between
 * them so the line every producer writes is not the line the consumer writes.
 */
abstract class RingPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class RingProducerIndex extends RingPad0 {
  volatile long producerIndex;
  volatile long producerLimit;
  volatile long drops;
}

abstract class RingPad1 extends RingProducerIndex {
  long p10a, p11a, p12a, p13a, p14a, p15a, p16a, p17a, p18a, p19a, p20a, p21a, p22a, p23a, p24a, p25a;
}

abstract class RingConsumerIndex extends RingPad1 {
  volatile long consumerIndex;
}

abstract class RingFields extends RingConsumerIndex {
  long p20b, p21b, p22b, p23b, p24b, p25b, p26b, p27b, p28b, p29b, p30b, p31b, p32b, p33b, p34b, p35b;

  static final VarHandle PRODUCER;
  static final VarHandle LIMIT;
  static final VarHandle CONSUMER;
  static final VarHandle DROPS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      PRODUCER = l.findVarHandle(RingProducerIndex.class, "producerIndex", long.class);
      LIMIT = l.findVarHandle(RingProducerIndex.class, "producerLimit", long.class);
      CONSUMER = l.findVarHandle(RingConsumerIndex.class, "consumerIndex", long.class);
      DROPS = l.findVarHandle(RingProducerIndex.class, "drops", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
