package dev.remit.spi;

import dev.remit.internal.state.InMemoryStateStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a decision point keeps its runtime state: an ordered feed of {@link StateChange}s (grants
 * issued at runtime, revocations, lifecycle and entitlement changes, approvals) and the counters
 * that must be exact (call budgets, approval uses). The decision point keeps its own indexed view
 * of the state in memory, built from the feed; the store is the truth that several instances can
 * share.
 *
 * <p>The default, {@link #inMemory()}, keeps the feed and the counters in this JVM. A shared store
 * (for example PostgreSQL) implements the same contract so that every instance sees the same
 * changes in the same order and spends the same budgets.
 *
 * <p><b>Threads.</b> {@link #append} is called by one thread at a time per decision point (under
 * its change lock), so it must return quickly; {@link Counter} methods are called by any thread
 * while deciding. {@link #subscribe}'s listener may be called on any thread and must return quickly.
 */
public interface StateStore extends AutoCloseable {
  /**
   * A change as the store holds it.
   *
   * @param seq its sequence number: 1 for the first change, then consecutive
   * @param change the change
   */
  record Entry(long seq, StateChange change) {
    public Entry {
      if (seq < 1) {
        throw new IllegalArgumentException("sequence numbers start at 1, was " + seq);
      }
      Objects.requireNonNull(change, "change");
    }
  }

  /** A counter that never goes above a limit: a grant's calls, an approval's uses. */
  interface Counter {
    /** Returns the current count. */
    long value();

    /** Adds one if the count is below {@code limit}; returns whether it did. */
    boolean tryIncrement(long limit);

    /** Takes one back (after a refund or a lost race); never below zero. */
    void decrement();

    /** Sets the count, when a state is restored from an export. */
    void restore(long value);
  }

  /**
   * Appends a change if the feed's head is still {@code expectedHead}, and returns its sequence
   * number ({@code expectedHead + 1}); returns -1 and appends nothing if another change came first
   * (the caller catches up with {@link #since} and decides again).
   */
  long append(long expectedHead, StateChange change);

  /**
   * Returns up to {@code max} changes with a sequence number above {@code after}, in order.
   *
   * @throws IllegalStateException if changes right after {@code after} are no longer kept (a
   *     bounded feed moved on): the caller must rebuild its state from an export instead
   */
  List<Entry> since(long after, int max);

  /** Returns the sequence number of the last change, 0 if there is none. */
  long head();

  /**
   * Returns the counter with this key, created at 0 if there is none, kept at least until
   * {@code keepUntil} (the later of all keepUntil instants asked for it).
   */
  Counter counter(String key, Instant keepUntil);

  /** Forgets counters that no one needs after {@code now}. */
  void expire(Instant now);

  /**
   * Registers a listener told that changes were appended by another instance (so the decision
   * point catches up before its next decision). The in-memory store calls it after every append by
   * another decision point sharing it.
   */
  default void subscribe(Runnable listener) {}

  /** Releases the store's resources. */
  @Override
  default void close() {}

  /** Returns a new in-memory store keeping the last 65,536 changes of its feed. */
  static StateStore inMemory() {
    return new InMemoryStateStore(InMemoryStateStore.DEFAULT_FEED_CAPACITY);
  }

  /** Returns a new in-memory store keeping the last {@code feedCapacity} changes of its feed. */
  static StateStore inMemory(int feedCapacity) {
    return new InMemoryStateStore(feedCapacity);
  }
}
